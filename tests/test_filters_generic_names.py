"""Filters by a generic organisation name find every country's organisation of that name;
a province's or city's body matches across languages ("Tak Provincial Police",
ตำรวจภูธรจังหวัดตาก); names spelt with other punctuation, a country written another way,
and an acronym the articles define all find their articles: on every index backend
(SQLite, Tantivy, the real cluster), through the same resolver the CLI, API, web and
subscriptions use."""
from __future__ import annotations

import pytest

from scamscope.errors import UserError
from scamscope.filters import query_from_mapping
from scamscope.name_families import initials, is_acronym, loose_key, part_of, qualifiers
from scamscope.names import FilterNames, index_bound, name_key
from tests.test_index_contract import day, make

ARTICLES = {
    "cn-mps": make("cn-mps", "Beijing police act", "The Chinese Ministry of Public Security "
                   "said 300 suspects were returned.", orgs=("Chinese Ministry of Public Security",),
                   published=day(2024, 1, 1)),
    "la-mps": make("la-mps", "Vientiane raid", "The Ministry of Public Security of Laos raided "
                   "a compound in Bokeo.", orgs=("Ministry of Public Security of Laos",),
                   published=day(2024, 1, 2)),
    "vn-mps": make("vn-mps", "Hanoi returns", "Vietnam's Ministry of Public Security received "
                   "the workers.", orgs=("Vietnamese Ministry of Public Security",),
                   published=day(2024, 1, 3)),
    "jp-mfa": make("jp-mfa", "Des adolescents japonais", "Le ministère japonais des Affaires "
                   "étrangères a confirmé.", lang="fr",
                   orgs=("ministère japonais des Affaires étrangères",), published=day(2024, 1, 4)),
    "th-mfa": make("th-mfa", "Victims return", "The Thai Ministry of Foreign Affairs said.",
                   orgs=("Thai Ministry of Foreign Affairs",), published=day(2024, 1, 5)),
    "tw-pro": make("tw-pro", "Indictment in Taipei", "The Taipei District Prosecutors' Office "
                   "indicted 12 people.", orgs=("Taipei District Prosecutors' Office",),
                   published=day(2024, 1, 6)),
    "tw-mjib": make("tw-mjib", "Bureau raids", "The Ministry of Justice Investigation Bureau "
                    "(MJIB) raided 20 sites; MJIB agents seized phones.",
                    orgs=("Ministry of Justice Investigation Bureau",), published=day(2024, 1, 7)),
    # the same initials, but this article never writes the acronym
    "mj-other": make("mj-other", "A bureau", "The Mekong Justice Inquiry Board met.",
                     orgs=("Mekong Justice Inquiry Board",), published=day(2024, 1, 8)),
    "us-emb": make("us-emb", "Embassy warns", "The US Embassy in Vientiane warned travellers.",
                   orgs=("Embassy of United States in Vientiane",), published=day(2024, 1, 10)),
    "cn-emb": make("cn-emb", "使馆提醒", "中国驻老挝大使馆提醒中国公民。", lang="zh",
                   orgs=("Embassy of China in Laos",), published=day(2024, 1, 11)),
    "ph-imm": make("ph-imm", "Deportación", "La Oficina de Inmigración de Filipinas deportó a 40.",
                   lang="es", orgs=("Oficina de Inmigración",), published=day(2024, 1, 12)),
    "kr": make("kr", "Casino sanctioned", "Treasury sanctioned the Kings Romans Group casino.",
               orgs=("Kings Romans Group",), published=day(2024, 1, 13)),
    "bank": make("bank", "Central bank", "The Bank of Thailand warned.",
                 orgs=("Bank of Thailand",), published=day(2024, 1, 9)),
    # bodies of a province or city, stored as the nlp stage names them in each language
    "th-tak": make("th-tak", "ตำรวจแถลง", "ตำรวจภูธรจังหวัดตากแถลงข่าว", lang="th",
                   orgs=("ตำรวจภูธรจังหวัดตาก",), published=day(2024, 2, 1)),
    "th-trat": make("th-trat", "ส่งตัวกลับ", "ตำรวจตรวจคนเข้าเมืองจังหวัดตราดส่งตัว", lang="th",
                    orgs=("ตำรวจตรวจคนเข้าเมืองจังหวัดตราด",), published=day(2024, 2, 2)),
    "cn-wz": make("cn-wz", "判决", "温州市中级人民法院一审判决。", lang="zh",
                  orgs=("温州市中级人民法院",), published=day(2024, 2, 3)),
    "cn-gd": make("cn-gd", "贸易", "广东省商务厅表示。", lang="zh",
                  orgs=("Department of Commerce of Guangdong",), published=day(2024, 2, 4)),
    "cn-sh": make("cn-sh", "Shanghai arrests", "The Shanghai Public Security Bureau said.",
                  orgs=("Shanghai Public Security Bureau",), published=day(2024, 2, 5)),
    "id-riau": make("id-riau", "Penipuan", "Kepolisian Daerah Kepulauan Riau menangkap 20.",
                    lang="id", orgs=("Kepolisian Daerah Kepulauan Riau",),
                    published=day(2024, 2, 6)),
    "id-kh": make("id-kh", "Penipuan daring", "Kepolisian Kamboja menangkap 30 orang.",
                  lang="id", orgs=("Kepolisian Kamboja",), published=day(2024, 2, 7)),
    "ph-lucky": make("ph-lucky", "Hub raided", "Lucky South 99 Outsourcing Inc. was raided.",
                     orgs=("Lucky South 99 Outsourcing Inc.",), published=day(2024, 2, 8)),
}


@pytest.fixture
def generic_index(any_index):
    any_index.upsert(ARTICLES.values())
    return any_index


def found(index, org: str) -> set[str]:
    query = query_from_mapping({"org": [org]}, limit=50, names=index_bound(index))
    by_id = {a.id: key for key, a in ARTICLES.items()}
    return {by_id[h.id] for h in index.search(query).hits}


def test_a_generic_name_finds_every_countrys_organisation(generic_index):
    assert found(generic_index, "Ministry of Public Security") == {"cn-mps", "la-mps", "vn-mps"}
    assert found(generic_index, "ministry of public security") == {"cn-mps", "la-mps", "vn-mps"}


def test_a_generic_name_finds_its_qualified_forms_in_other_languages(generic_index):
    # "ministère japonais des Affaires étrangères": the nationality after the first word
    assert found(generic_index, "Ministry of Foreign Affairs") == {"jp-mfa", "th-mfa"}


def test_a_name_with_a_country_finds_that_countrys_organisation_written_otherwise(generic_index):
    assert found(generic_index, "Ministry of Public Security of Vietnam") == {"vn-mps"}
    assert found(generic_index, "Lao Ministry of Public Security") == {"la-mps"}
    assert found(generic_index, "Japanese Ministry of Foreign Affairs") == {"jp-mfa"}


def test_a_generic_name_finds_the_same_kind_of_body_named_in_other_words(generic_index):
    # data/generic_orgs.tsv: "Bureau of Immigration" is "Oficina de Inmigración"
    assert "ph-imm" in found(generic_index, "Bureau of Immigration")
    assert "ph-imm" in found(generic_index, "Immigration Department")


def test_an_embassy_written_any_way_finds_the_name_the_nlp_stage_gives_it(generic_index):
    for name in ("US Embassy in Vientiane", "Embassy of the United States in Vientiane",
                 "ambassade des États-Unis à Vientiane"):
        assert found(generic_index, name) == {"us-emb"}, name
    assert found(generic_index, "中国驻老挝大使馆") == {"cn-emb"}


def test_a_name_spelt_with_other_punctuation_finds_its_article(generic_index):
    for name in ("Taipei District Prosecutors Office", "Taipei District Prosecutor's Office",
                 "taipei district prosecutors’ office"):
        assert found(generic_index, name) == {"tw-pro"}, name


def test_a_company_named_without_its_group_or_legal_form_finds_its_article(generic_index):
    assert found(generic_index, "Kings Romans") == {"kr"}
    assert found(generic_index, "Kings Romans Co., Ltd.") == {"kr"}


# (name typed, articles found): a province's or city's body across languages (the
# place's kind word goes with the place, the body's kind through generic_orgs.tsv); a
# body without its place (every place's); a country's police (its national police)
ACROSS = [
    ("Tak Provincial Police", {"th-tak"}),
    ("Wenzhou Intermediate People's Court", {"cn-wz"}),
    ("Department of Commerce of Guangdong Province", {"cn-gd"}),
    ("广东省商务厅", {"cn-gd"}),
    ("Polda Kepulauan Riau", {"id-riau"}),
    ("上海市公安局", {"cn-sh"}),
    ("ตำรวจตรวจคนเข้าเมือง", {"th-trat", "ph-imm"}),  # an immigration body
    ("Immigration Bureau", {"th-trat", "ph-imm"}),
    ("Public Security Bureau", {"cn-sh"}),
    ("Cambodian National Police", {"id-kh"}),
    ("Police nationale cambodgienne", {"id-kh"}),
]


@pytest.mark.parametrize("name, expected", ACROSS)
def test_a_body_of_a_place_or_country_matches_across_languages(generic_index, name, expected):
    assert found(generic_index, name) == expected


def test_another_places_body_is_not_found(generic_index):
    names = index_bound(generic_index)
    for name in ("Nanjing Intermediate People's Court", "Beijing Public Security Bureau",
                 "Chiang Mai Provincial Police"):
        with pytest.raises(UserError):
            names.resolve_all("org", name)


def test_a_short_form_finds_the_few_stored_names_that_contain_it(generic_index):
    assert found(generic_index, "Lucky South 99") == {"ph-lucky"}
    assert found(generic_index, "lucky south") == {"ph-lucky"}
    assert part_of("lucky south 99", "lucky south 99 outsourcing inc")
    assert part_of("公安局", "上海市公安局")
    assert not part_of("south", "lucky south 99")  # one word says too little
    assert not part_of("lucky sou", "lucky south 99")  # whole words only


def test_an_acronym_the_article_defines_finds_it_and_only_it(generic_index):
    assert found(generic_index, "MJIB") == {"tw-mjib"}


def test_one_word_generic_names_and_unknown_names_are_not_expanded(generic_index):
    names = index_bound(generic_index)
    with pytest.raises(UserError):
        names.resolve_all("org", "Bank")
    with pytest.raises(UserError):
        names.resolve_all("org", "ZZQX")  # an acronym no stored name has


def test_a_subscription_without_an_index_keeps_the_name_and_its_known_family():
    values = FilterNames().resolve_all("org", "Ministry of Public Security")
    assert values[0] == "Ministry of Public Security"
    assert "Chinese Ministry of Public Security" in values
    assert "Vietnamese Ministry of Public Security" in values


@pytest.mark.parametrize("a, b", [
    ("Taipei District Prosecutors' Office", "Taipei District Prosecutors Office"),
    ("Supreme People's Court", "Supreme Peoples Court"),
    ("U.S. Department of Justice", "US Department of Justice"),
    ("Anti-Money Laundering Office", "Anti Money Laundering Office"),
    ("Trade & Industry Ministry", "Trade and Industry Ministry"),
    ("The Mirror Foundation", "Mirror Foundation"),
])
def test_spelling_variants_share_a_loose_key(a, b):
    assert loose_key(name_key(a)) == loose_key(name_key(b))


@pytest.mark.parametrize("name, generic, code", [
    ("Chinese Ministry of Public Security", "ministry of public security", "CN"),
    ("Ministry of Public Security of Laos", "ministry of public security", "LA"),
    ("Ministry of Foreign Affairs of South Korea", "ministry of foreign affairs", "KR"),
    ("ministère japonais des Affaires étrangères", "ministere des affaires etrangeres", "JP"),
    ("US Department of Justice", "department of justice", "US"),
    ("中国外交部", "外交部", "CN"),
    ("Embassy of China in Cambodia", "embassy of china in cambodia", None),
    ("Federal Bureau of Investigation", "federal bureau of investigation", None),
])
def test_a_country_is_taken_off_a_name_wherever_it_is_written(name, generic, code):
    assert qualifiers().split(loose_key(name_key(name))) == (generic, code)


@pytest.mark.parametrize("name, generic, place", [
    ("Department of Commerce of Guangdong Province", "department of commerce", "@Guangdong"),
    ("Guangdong Province Department of Commerce", "department of commerce", "@Guangdong"),
    ("Tak Provincial Police", "police", "@Tak"),
    ("广东省商务厅", "商务厅", "@Guangdong"),
    ("ตำรวจภูธรจังหวัดตาก", "ตํารวจภูธร", "@Tak"),  # name_key folds Thai sara am
    ("Embassy of Japan in Bangkok", "embassy of japan in bangkok", None),
    ("National Police", "national police", None),
])
def test_a_province_or_city_is_taken_off_a_name_with_its_kind_word(name, generic, place):
    assert qualifiers().split(loose_key(name_key(name))) == (generic, place)


def test_acronyms_and_initials():
    assert "mjib" in initials(loose_key(name_key("Ministry of Justice Investigation Bureau")))
    assert "uif" in initials(loose_key(name_key("Unidad de Inteligencia Financiera")))
    assert "pdi" in initials(loose_key(name_key("Policía de Investigaciones")))
    assert is_acronym("MJIB") and is_acronym("U.S.") and not is_acronym("Tracfin")
