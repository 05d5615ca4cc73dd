"""A reader types an organisation or place the way they know it, in their language, and
finds the article that wrote it in another, on every backend: "Complutense University of
Madrid" finds "Universidad Complutense de Madrid", "police fédérale" the Belgian Federal
Police, "Cambodian National Police" an article on Cambodia that only says "National
Police", "US Embassy" the "Embassy of United States in Vientiane", ดีเอสไอ the DSI, 临沧
the place stored as 临沧市 (Lincang). Each filter must also leave out the articles that do
not carry the entity, and a name nothing knows is still refused with the closest names.
The articles carry the entities as the nlp stage names them (canonical name, surface)."""
from __future__ import annotations

import pytest

from nlp.records import Article, Entities, Org, Place
from scamscope.filters import query_from_mapping
from scamscope.names import UnknownName, index_bound
from tests.fixtures.index import backend_with_cli, story


def article(n: int, text: str, *, orgs=(), places=(), lang="en") -> Article:
    """orgs: (surface, canonical) pairs; places: (surface, canonical, country)."""
    return story(n, text, Entities(
        orgs=[Org(text=s, name=c) for s, c in orgs],
        places=[Place(text=s, name=c, country=cc) for s, c, cc in places]),
        section="languages", lang=lang)


MADRID = ("Madrid", "Madrid", "ES")
CORPUS = {
    "complutense": article(
        1, "Una profesora de la Universidad Complutense de Madrid analizó los mensajes.",
        orgs=[("Universidad Complutense de Madrid", "Universidad Complutense de Madrid")],
        places=[MADRID], lang="es"),
    "colombia": article(
        2, "Un estudio de la Universidad Nacional de Colombia sobre la trata en Bogotá.",
        orgs=[("Universidad Nacional de Colombia", "Universidad Nacional de Colombia")],
        places=[("Colombia", "Colombia", "CO"), ("Bogotá", "Bogotá", "CO")], lang="es"),
    "belgium": article(
        3, "La police fédérale belge a démantelé un réseau à Anvers.",
        orgs=[("police fédérale belge", "Belgian Federal Police")],
        places=[("Anvers", "Antwerp", "BE")], lang="fr"),
    "ethiopia": article(
        4, "Federal Police officers met the returnees in Addis Ababa.",
        orgs=[("Federal Police", "Federal Police")],
        places=[("Addis Ababa", "Addis Ababa", "ET"), ("Ethiopia", "Ethiopia", "ET")]),
    "sihanoukville": article(
        5, "National Police raided a compound in Sihanoukville; the Indonesian embassy "
           "helped its citizens.",
        orgs=[("National Police", "National Police"), ("Indonesian embassy",
                                                       "Embassy of Indonesia")],
        places=[("Sihanoukville", "Sihanoukville", "KH"), ("Indonesia", "Indonesia", "ID")]),
    "poipet": article(
        6, "National Police in Poipet handed Thai victims to the Royal Thai Police.",
        orgs=[("National Police", "National Police"), ("Royal Thai Police",
                                                       "Royal Thai Police")],
        places=[("Poipet", "Poipet", "KH"), ("Thailand", "Thailand", "TH")]),
    "rice": article(
        7, "Kementerian Pertanian memperkirakan panen beras naik; Kementerian Keuangan diam.",
        orgs=[("Kementerian Pertanian", "Kementerian Pertanian"),
              ("Kementerian Keuangan", "Ministry of Finance")],
        places=[("Indonesia", "Indonesia", "ID")], lang="id"),
    "vientiane": article(
        8, "The US Embassy in Vientiane warned of fake job offers.",
        orgs=[("US Embassy in Vientiane", "Embassy of United States in Vientiane")],
        places=[("Vientiane", "Vientiane", "LA")]),
    "phnom penh": article(
        9, "The Chinese embassy in Phnom Penh issued a warning.",
        orgs=[("Chinese embassy in Phnom Penh", "Embassy of China in Phnom Penh")],
        places=[("Phnom Penh", "Phnom Penh", "KH")]),
    "dsi": article(
        10, "DSI ร่วมกับ FBI ตรวจค้นบริษัทแห่งหนึ่งในกรุงเทพฯ",
        orgs=[("DSI", "Thai Department of Special Investigation"), ("FBI", "FBI")],
        places=[("กรุงเทพฯ", "Bangkok", "TH")], lang="th"),
    "lincang": article(
        11, "云南临沧市警方与果敢方面完成移交，临沧边境口岸恢复通关。",
        orgs=[], places=[("临沧市", "Lincang", "CN"), ("果敢", "Kokang", "MM")], lang="zh"),
    "treasury": article(
        12, "El Departamento del Tesoro sancionó a la red; el Tesoro congeló sus bienes.",
        orgs=[("Departamento del Tesoro", "US Treasury")],
        places=[("Estados Unidos", "United States", "US")], lang="es"),
    "union": article(
        13, "L'Union africaine a salué le rapatriement des victimes.",
        orgs=[("Union africaine", "Union africaine")],
        places=[("Afrique", "Africa", "")], lang="fr"),
    "bokeo": article(
        14, "Công an tỉnh Bokeo và sông Moei được nhắc đến trong vụ án.",
        places=[("Bokeo", "Bokeo", "LA"), ("Moei", "Moei River", "MM")], lang="vi"),
    "mae sot": article(
        15, "ผู้เสียหายถูกส่งตัวข้ามแดนที่อำเภอแม่สอด จังหวัดตาก",
        places=[("อำเภอแม่สอด", "Mae Sot", "TH"), ("จังหวัดตาก", "Tak", "TH")], lang="th"),
    "myawaddy": article(
        16, "妙瓦底的电诈园区仍在运作。", places=[("妙瓦底", "Myawaddy", "MM")], lang="zh"),
    "taichung": article(
        17, "臺灣臺中地方法院判處被告有期徒刑。",
        orgs=[("臺灣臺中地方法院", "臺灣臺中地方法院")],
        places=[("臺中", "Taichung", "TW")], lang="zh"),
    "bai family": article(
        18, "白所成家族犯罪集团的多名成员被移交给中方。",
        orgs=[("白所成家族犯罪集团", "白所成家族犯罪集团")], lang="zh"),
}


@pytest.fixture(params=["sqlite", "tantivy", "elastic"])
def languages_backend(request, tmp_path):
    """(index, global CLI options, environment) of each backend, holding CORPUS."""
    index, options, env = backend_with_cli(request, tmp_path, request.param, list(CORPUS.values()), "languages")
    yield index, options, env
    if request.param != "elastic":
        index.close()


def found(index, field: str, name: str) -> set[str]:
    """The CORPUS keys of the articles `search --<field> <name>` returns."""
    query = query_from_mapping({field: [name]}, limit=50, names=index_bound(index))
    hits = {h.id for h in index.search(query).hits}
    return {key for key, a in CORPUS.items() if a.id in hits}


# (field, what the reader types, the articles it must find: exactly these)
TYPED = [
    # the reader's language, the article's language
    ("org", "Complutense University of Madrid", {"complutense"}),
    ("org", "National University of Colombia", {"colombia"}),
    ("org", "Universidad Nacional de Colombia", {"colombia"}),
    ("org", "Ministry of Agriculture", {"rice"}),
    ("org", "Union africaine", {"union"}),
    ("org", "African Union", {"union"}),
    ("org", "Tesoro", {"treasury"}),
    # a generic name finds every country's; a country finds its own
    ("org", "Federal Police", {"belgium", "ethiopia"}),
    ("org", "police fédérale", {"belgium", "ethiopia"}),
    ("org", "Ethiopian Federal Police", {"ethiopia"}),
    ("org", "Belgian Federal Police", {"belgium"}),
    ("org", "Cambodian National Police", {"sihanoukville", "poipet"}),
    ("org", "柬埔寨国家警察总署", {"sihanoukville", "poipet"}),
    # an embassy without its seat
    ("org", "US Embassy", {"vientiane"}),
    ("org", "Chinese Embassy", {"phnom penh"}),
    # an acronym spelt in Thai letters, a place without its kind word or mark
    ("org", "ดีเอสไอ", {"dsi"}),
    ("org", "DSI", {"dsi"}),
    ("org", "เอฟบีไอ", {"dsi"}),
    ("place", "临沧", {"lincang"}),
    ("place", "tỉnh Bokeo", {"bokeo"}),
    ("place", "Sungai Moei", {"bokeo"}),
    # other spacing
    ("place", "Poi Pet", {"poipet"}),
    ("place", "AddisAbaba", {"ethiopia"}),
    # articles, kind words and abbreviations around the name, a bracketed acronym
    ("org", "el Tesoro", {"treasury"}),
    ("place", "l'Éthiopie", {"ethiopia"}),
    ("place", "Poipet town", {"poipet"}),
    ("place", "อ.แม่สอด", {"mae sot"}),
    ("place", "จ.ตาก", {"mae sot"}),
    ("place", "妙瓦底镇", {"myawaddy"}),
    ("org", "กรมสอบสวนคดีพิเศษ (ดีเอสไอ)", {"dsi"}),
    # a country and a place in a Chinese name: the place decides
    ("org", "Taichung District Court", {"taichung"}),
    ("org", "台中地方法院", {"taichung"}),
    # the other Chinese script
    ("org", "白所成家族犯罪集團", {"bai family"}),
    ("org", "台湾台中地方法院", {"taichung"}),
    ("place", "臨滄", {"lincang"}),
]


@pytest.mark.parametrize("field, typed, expected", TYPED)
def test_a_reader_types_a_name_and_finds_exactly_its_articles(languages_backend, field, typed,
                                                              expected):
    index, _, _ = languages_backend
    assert found(index, field, typed) == expected


def test_a_country_stands_for_a_name_without_one_only_where_most_of_its_articles_are(
        languages_backend):
    index, _, _ = languages_backend
    # "National Police" is in two articles on Cambodia; one mentions Indonesia, the other
    # Thailand: neither country has most of them
    assert found(index, "org", "Indonesian National Police") == set()
    assert found(index, "org", "Royal Thai Police") == {"poipet"}  # by its own name only
    assert found(index, "org", "Philippine National Police") == set()


@pytest.mark.parametrize("field, typed", [
    ("org", "Universidad de Atlantis"),
    ("org", "Ministry of Fisheries"),  # a kind of body no article has
    ("place", "东兴"),  # 东兴市 (Dongxing) is known, but no article on it writes 东兴
    ("org", "เอ็มเอ็มเอ็มเอ็มเอ็มเอ็มเอ็มเอ็มเอ็มเอ็มเอ็ม"),  # eleven letters: no acronym
])
def test_a_name_nothing_knows_is_still_refused(languages_backend, field, typed):
    index, _, _ = languages_backend
    with pytest.raises(UnknownName):
        found(index, field, typed)


def test_cli_finds_the_article_by_a_name_in_another_language_and_refuses_unknown_ones(
        languages_backend, cli):
    index, options, env = languages_backend
    result = cli("search", "--org", "Complutense University of Madrid", "--json",
                 global_args=options, env=env)
    assert result.code == 0, result.err
    assert [h["id"] for h in result.json()["hits"]] == [CORPUS["complutense"].id]
    result = cli("search", "--place", "临沧", "--json", global_args=options, env=env)
    assert [h["id"] for h in result.json()["hits"]] == [CORPUS["lincang"].id]
    refused = cli("search", "--org", "Universidad de Atlantis", global_args=options, env=env)
    assert refused.code == 2
    [line] = refused.err.strip().splitlines()
    assert "not a known organisation" in line and "did you mean" in line
