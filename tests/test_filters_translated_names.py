"""A reader types the English name of an organisation its article names in another language,
and finds the article, on every backend: a company or university whose Chinese or
Vietnamese name is translated rather than romanised (東方之星國際投資有限公司 is "Oriental Star
International Investment Co., Ltd."), a Taipei representative office in any language's
template, a court or prosecutor's office qualified by a compass word ("Pengadilan Negeri
Jakarta Selatan" is the South Jakarta District Court), a body typed with its seat where the
article names the seat elsewhere, a consulate typed with its country's adjective, an
embassy or consulate stored in another language's template, a country's national body
stored without its country, an outlet credited by its website (央视网), an acronym that names
another body where an article writes it so (PNP in Peru), a Chinese body
written after its parent body or country (內政部刑事警察局, 缅甸佤邦联合军); places too:
an airport with or without "International", a Chinese place typed in pinyin. The
filter keeps out articles that do not carry the body (another compass point, another seat),
a name nothing knows is still refused, and /api/suggest offers an embassy, consulate or
representative office stored in another language, and a Chinese company of ordinary words,
under its English name. The articles carry the entities as the
nlp stage names them (canonical name, surface)."""
from __future__ import annotations

import pytest

from nlp.records import Entities, Org, Place
from scamscope.names import UnknownName
from tests.fixtures.index import backend_holding, found_keys, story


def article(n: int, text: str, *, orgs=(), places=(), lang="en"):
    """orgs: names stored as written (surface = canonical); places: (surface, name, country)."""
    return story(n, text, Entities(
        orgs=[Org(text=name, name=name) for name in orgs],
        places=[Place(text=s, name=c, country=cc) for s, c, cc in places]),
        section="translated", lang=lang)


CORPUS = {
    "kaohsiung": article(
        1, "東方之星國際投資有限公司與金邊皇冠科技合作；駐泰國台北經濟文化辦事處協助國人返國。",
        orgs=["東方之星國際投資有限公司", "金邊皇冠科技", "駐泰國台北經濟文化辦事處"],
        places=[("高雄", "Kaohsiung", "TW")], lang="zh"),
    "bangkok": article(
        2, "สำนักงานเศรษฐกิจและวัฒนธรรมไทเปประจำประเทศไทย ช่วยเหลือผู้เสียหาย",
        orgs=["สำนักงานเศรษฐกิจและวัฒนธรรมไทเปประจำประเทศไทย"],
        places=[("กัมพูชา", "Cambodia", "KH")], lang="th"),
    "hcm": article(
        3, "Công ty Cổ phần Công nghệ Số Rồng Vàng và Công ty TNHH Thương mại Ngôi Sao Phương "
           "Đông; Văn phòng Kinh tế và Văn hóa Đài Bắc tại TP Hồ Chí Minh; Trường Đại học Luật "
           "TP HCM.",
        orgs=["Công ty Cổ phần Công nghệ Số Rồng Vàng",
              "Công ty TNHH Thương mại Ngôi Sao Phương Đông",
              "Văn phòng Kinh tế và Văn hóa Đài Bắc tại TP Hồ Chí Minh",
              "Trường Đại học Luật TP HCM"],
        places=[("Campuchia", "Cambodia", "KH")], lang="vi"),
    "yunnan": article(
        4, "昆明理工大学法学院副教授表示，新加坡环球投资集团等名义常被冒用。",
        orgs=["昆明理工大学", "新加坡环球投资集团", "CCTV"], places=[("昆明", "Kunming", "CN")],
        lang="zh"),
    "jakarta": article(
        5, "Pengadilan Negeri Jakarta Selatan memvonis terdakwa; Kejaksaan Negeri Jakarta Timur "
           "dan Polres Metro Jakarta Barat.",
        orgs=["Pengadilan Negeri Jakarta Selatan", "Kejaksaan Negeri Jakarta Timur",
              "Polres Metro Jakarta Barat"],
        places=[("Jakarta", "Jakarta", "ID")], lang="id"),
    "lima": article(
        6, "La Corte Superior de Justicia de Lima Sur dictó prisión preventiva.",
        orgs=["Corte Superior de Justicia de Lima Sur", "Superintendencia Nacional de Migraciones"],
        places=[("Lima", "Lima", "PE")],
        lang="es"),
    "johor": article(
        7, "JOHOR BAHRU: Syarikat Bintang Emas Sdn Bhd dihadapkan ke Mahkamah Sesyen; Kedutaan "
           "Besar Malaysia di Bangkok membantu.",
        orgs=["Bintang Emas Sdn Bhd", "Mahkamah Sesyen", "Embassy of Malaysia"],
        places=[("JOHOR BAHRU", "Johor Bahru", "MY"), ("Bangkok", "Bangkok", "TH")],
        lang="ms"),
    "hong kong": article(
        8, "泰國駐香港總領事館呼籲市民切勿輕信網上招聘廣告。",
        orgs=["Consulate General of Thailand in Hong Kong"],
        places=[("香港", "Hong Kong", "HK")], lang="zh"),
    "taipei": article(
        9, "刑事警察局與佤邦联合军", orgs=["Criminal Investigation Bureau", "United Wa State Army"],
        places=[("台北", "Taipei", "TW")], lang="zh"),
    "kuching": article(
        11, "Konsulat Jenderal Republik Indonesia di Kuching dan 中国驻清迈总领事馆 membantu.",
        orgs=["Konsulat Jenderal Republik Indonesia di Kuching", "中国驻清迈总领事馆"],
        places=[("Kuching", "Kuching", "MY")], lang="id"),
    "chile": article(
        12, "La Fiscalía Nacional de Chile formalizó a los reclutadores.",
        orgs=["Fiscalía Nacional"], places=[("Chile", "Chile", "CL")], lang="es"),
    "peru": article(
        13, "Según la Policía Nacional del Perú (PNP), la red operaba en Lima.",
        orgs=["Policía Nacional del Perú"], places=[("Lima", "Lima", "PE")], lang="es"),
    "manila": article(
        14, "The Philippine National Police raided a hub in Pasay.",
        orgs=["Philippine National Police"], places=[("Pasay", "Pasay", "PH")]),
    "bogota": article(
        15, "La Policía Nacional de Panamá detuvo a dos reclutadores.",
        orgs=["Policía Nacional de Panamá"], places=[("Panamá", "Panama", "PA")], lang="es"),
    "airports": article(
        10, "Korban tiba di Bandara Soekarno-Hatta dari 上海浦东国际机场; 苍南县 dan 贵州.",
        places=[("Bandara Soekarno-Hatta", "Soekarno-Hatta Airport", "ID"),
                ("上海浦东国际机场", "Pudong International Airport", "CN"),
                ("苍南县", "苍南县", "CN"), ("贵州", "Guizhou", "CN")], lang="id"),
}


@pytest.fixture(params=["sqlite", "tantivy", "elastic"])
def translated_backend(request, tmp_path):
    """(index, global CLI options, environment) of each backend, holding CORPUS."""
    yield from backend_holding(request, tmp_path, list(CORPUS.values()), "translated")


def found(index, name: str) -> set[str]:
    return found_keys(index, CORPUS, "org", name)


# (what the reader types, the articles it must find: exactly these)
TYPED = [
    # translated, not romanised: Chinese and Vietnamese names of ordinary words, a place inside
    ("Oriental Star International Investment Co., Ltd.", {"kaohsiung"}),
    ("Oriental Star International Investment Limited", {"kaohsiung"}),
    ("Phnom Penh Crown Technology", {"kaohsiung"}),
    ("Singapore Global Investment Group", {"yunnan"}),
    ("Kunming University of Science and Technology", {"yunnan"}),
    ("Golden Dragon Digital Technology JSC", {"hcm"}),
    ("Oriental Star Trading Co., Ltd.", {"hcm"}),
    ("Ho Chi Minh City University of Law", {"hcm"}),
    # a representative office in every language's template, its seat in any language
    ("Taipei Economic and Cultural Office in Thailand", {"kaohsiung", "bangkok"}),
    ("駐泰國台北經濟文化辦事處", {"kaohsiung", "bangkok"}),
    ("Taipei Economic and Cultural Office in Ho Chi Minh City", {"hcm"}),
    # compass-qualified courts, prosecutors and police
    ("South Jakarta District Court", {"jakarta"}),
    ("East Jakarta District Prosecutor's Office", {"jakarta"}),
    ("West Jakarta Metro Police", {"jakarta"}),
    ("South Lima Superior Court of Justice", {"lima"}),
    # a Spanish plural read as its singular's English word
    ("National Superintendency of Migration", {"lima"}),
    # a seat the stored name lacks, named by the article; a company word before the name
    ("Johor Bahru Sessions Court", {"johor"}),
    ("Malaysian Embassy in Bangkok", {"johor"}),
    ("Syarikat Bintang Emas Sdn Bhd", {"johor"}),
    # a consulate typed with its country's adjective
    ("Thai Consulate General in Hong Kong", {"hong kong"}),
    # embassies and consulates stored in another language's template
    ("Indonesian Consulate General in Kuching", {"kuching"}),
    ("Consulate General of Indonesia in Kuching", {"kuching"}),
    ("KJRI Kuching", {"kuching"}),
    ("Chinese Consulate General in Chiang Mai", {"kuching"}),
    # a country's national body stored without its country; an outlet by its website
    ("Chilean Public Prosecutor's Office", {"chile"}),
    ("央视网", {"yunnan"}),
    # an acronym the table gives one body, that an article writes for another
    ("PNP", {"manila", "peru"}),  # not Panama's police, whose article never writes PNP
    # a body written after its parent body or its country
    ("內政部刑事警察局", {"taipei"}),
    ("内政部警政署刑事警察局", {"taipei"}),
    ("缅甸佤邦联合军", {"taipei"}),
]


# places: an airport with or without "International"; a Chinese place the
# tables lack, in pinyin; a province with its mark (州 is a mark too, but not here)
PLACES = [
    ("Soekarno-Hatta International Airport", {"airports"}),
    ("Pudong Airport", {"airports"}),
    ("Cangnan", {"airports"}),
    ("Cangnan County", {"airports"}),
    ("贵州省", {"airports"}),
]


@pytest.mark.parametrize("typed, expected", PLACES)
def test_a_reader_types_a_place_as_written_elsewhere_and_finds_its_article(translated_backend,
                                                                          typed, expected):
    index, _, _ = translated_backend
    assert found_keys(index, CORPUS, "place", typed) == expected


@pytest.mark.parametrize("typed, expected", TYPED)
def test_a_reader_types_the_english_name_and_finds_exactly_its_articles(translated_backend,
                                                                        typed, expected):
    index, _, _ = translated_backend
    assert found(index, typed) == expected


@pytest.mark.parametrize("typed", [
    "North Jakarta District Court",  # another compass point
    "North Lima Superior Court of Justice",
    "Taipei Economic and Cultural Office in Malaysia",  # another seat
    "Malaysian Embassy in Phnom Penh",  # the article on the embassy names Bangkok
    "Oriental Star Technology Co., Ltd.",  # fewer words than any stored company
    "Golden Pearl Investment Limited",
    "Indonesian Consulate General in Chiang Mai",  # another country's consulate there
    "Malaysian Consulate General in Kuching",
    "Peruvian Public Prosecutor's Office",  # the stored national one is Chile's
])
def test_a_name_that_is_not_the_stored_body_is_refused(translated_backend, typed):
    index, _, _ = translated_backend
    with pytest.raises(UnknownName):
        found(index, typed)


@pytest.mark.parametrize("typed", ["Beijing Pudong International Airport", "Cangna"])
def test_a_place_that_is_not_the_stored_one_is_refused(translated_backend, typed):
    index, _, _ = translated_backend
    with pytest.raises(UnknownName):
        found_keys(index, CORPUS, "place", typed)


def test_cli_finds_a_translated_name_and_refuses_another_seat(translated_backend, cli):
    index, options, env = translated_backend
    result = cli("search", "--org", "Oriental Star International Investment Co., Ltd.",
                 "--json", global_args=options, env=env)
    assert result.code == 0, result.err
    assert [h["id"] for h in result.json()["hits"]] == [CORPUS["kaohsiung"].id]
    refused = cli("search", "--org", "Taipei Economic and Cultural Office in Malaysia",
                  global_args=options, env=env)
    assert refused.code == 2
    [line] = refused.err.strip().splitlines()
    assert "not a known organisation" in line


def test_suggest_offers_a_body_stored_in_another_language_under_its_english_name(
        tmp_path):
    from indexer.sqlite import SQLiteIndex
    from scamscope.config import Settings
    from tests.fixtures.web import make_client

    path = tmp_path / "suggest.db"
    index = SQLiteIndex(str(path))
    try:
        index.upsert(list(CORPUS.values()))
        settings = Settings(data_dir=str(tmp_path / "web"), index=f"sqlite://{path}",
                            secret_key="k")
        with make_client(settings, index) as client:
            def offers(q: str) -> dict[str, str]:
                body = client.get("/api/suggest", params={"field": "org", "q": q}).json()
                return {s["value"]: s["label"] for s in body["suggestions"]}

            offices, consulates = offers("taipei econ"), offers("consulate general of indo")
            companies = offers("oriental star")
            search = client.get("/api/search", params={
                "org": "Taipei Economic and Cultural Office in Thailand"}).json()
    finally:
        index.close()
    assert offices["駐泰國台北經濟文化辦事處"] == (
        "Taipei Economic and Cultural Office in Thailand (駐泰國台北經濟文化辦事處)")
    assert offices["Văn phòng Kinh tế và Văn hóa Đài Bắc tại TP Hồ Chí Minh"].startswith(
        "Taipei Economic and Cultural Office in Ho Chi Minh City")
    assert "Trường Đại học Luật TP HCM" not in offices  # only what the typed words start
    assert consulates == {"Konsulat Jenderal Republik Indonesia di Kuching": (
        "Consulate General of Indonesia in Kuching (Konsulat Jenderal Republik Indonesia di "
        "Kuching)")}
    assert search["total"] == 2  # the Chinese and the Thai names of one office
    assert companies["東方之星國際投資有限公司"] == (
        "Oriental Star International Investment Co., Ltd. (東方之星國際投資有限公司)")
