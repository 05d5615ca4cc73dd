"""Organisations found by how they are named, not only by the alias table:
acronyms defined in the text (every script), Thai head words, Chinese suffixes,
company suffixes, the outlets/platforms table; and what is not an organisation
(titles, fragments). Also: a town shared by several countries is the one in the
document's country."""
from __future__ import annotations

import pytest

from nlp.orgs import acronym_definitions, company_orgs, thai_orgs, zh_suffix_orgs
from nlp.gazetteer import tokenize
from tests.fixtures.nlp import org_pairs as _orgs


def _defs(text, lang):
    return [(text[a:b], text[c:d]) for a, b, c, d in acronym_definitions(text, lang)]


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "The Bureau of Maritime Safety Enforcement (BMSE) said on Friday.",
     ("Bureau of Maritime Safety Enforcement", "BMSE")),
    ("en", "officials at the Office of Digital Asset Oversight (ODAO) agreed",
     ("Office of Digital Asset Oversight", "ODAO")),
    ("fr", "selon l'Autorité de régulation des jeux en ligne (ARJEL), les sites",
     ("Autorité de régulation des jeux en ligne", "ARJEL")),
    ("ms", "Jabatan Imigresen Malaysia (JIM) menahan 40 pendatang.",
     ("Jabatan Imigresen Malaysia", "JIM")),
    ("id", "Direktorat Tindak Pidana Siber (Dittipidsiber) menangkap", None),
    ("th", "ทั้งนี้ สำนักงานคณะกรรมการคุ้มครองผู้บริโภค (สคบ.) ได้เตือน",
     ("สำนักงานคณะกรรมการคุ้มครองผู้บริโภค", "สคบ.")),
    ("zh", "此外，证券及期货事务监察委员会（SFC）发出警告。", ("证券及期货事务监察委员会", "SFC")),
    ("en", "a Philippine offshore gaming operator (Pogo) hub", None),  # not a name
    ("en", "they paid in tether (USDT) and bitcoin", None),
])
def test_acronyms_defined_in_the_text_pair_with_their_long_form(lang, text, expected):
    defs = _defs(text, lang)
    if expected is None:
        assert expected not in defs and all(long[:1] != "P" for long, _ in defs) or not defs
    else:
        assert expected in defs


def test_the_defined_acronym_and_its_long_form_are_one_organisation(extractor):
    text = ("The Bureau of Maritime Safety Enforcement (BMSE) seized two boats. "
            "A BMSE officer said the crews were paid by a syndicate.")
    orgs = _orgs(extractor, text, "en")
    assert {name for _, name in orgs} == {"Bureau of Maritime Safety Enforcement"}
    assert ("BMSE", "Bureau of Maritime Safety Enforcement") in orgs


def test_a_known_acronym_gives_its_canonical_name_to_the_long_form(extractor):
    text = "The Office of Foreign Assets Control (OFAC) named nine firms. OFAC said more would follow."
    assert {name for _, name in _orgs(extractor, text, "en")} == {"OFAC"}


def test_thai_names_run_from_their_head_word_to_the_verb():
    text = "ศาลจังหวัดเชียงรายพิพากษาจำคุก 5 ปี ขณะที่มูลนิธิเพื่อนหญิงเป็นผู้แจ้งความ"
    assert [t for _, _, t in thai_orgs(text)] == ["ศาลจังหวัดเชียงราย", "มูลนิธิเพื่อนหญิง"]


def test_chinese_names_end_with_their_kind_and_descriptions_are_not_names():
    text = "据悉，上海市第一中级人民法院判处该诈骗集团主犯无期徒刑，全部赃款由中国银行冻结。一场骗局。"
    assert [t for _, _, t in zh_suffix_orgs(text)] == ["上海市第一中级人民法院", "中国银行"]


def test_companies_are_named_by_their_legal_suffix():
    text = "funds went to Golden Harbour Logistics Sdn Bhd and to Blue Star Tech Ltd."
    assert [t for _, _, t in company_orgs(text, tokenize(text))] == [
        "Golden Harbour Logistics Sdn Bhd", "Blue Star Tech Ltd."]


def test_outlets_agencies_and_platforms_are_organisations(extractor):
    text = ("ตามรายงานของไทยรัฐ ผู้เสียหายถูกหลอกผ่านติ๊กต็อก. 据联合早报报道，受害人通过小红书被骗。 "
            "Menurut Kompas.com, korban ditipu lewat Tokopedia.")
    names = {name for _, name in _orgs(extractor, text, None)}
    assert {"Thairath", "TikTok", "Lianhe Zaobao", "Xiaohongshu", "Kompas", "Tokopedia"} <= names


def test_titles_and_fragments_are_not_organisations(extractor):
    text = ("\"Scam centres are a threat,\" said Jane Doe, the Treasury's Under Secretary for "
            "Terrorism and Financial Intelligence, on Monday in Washington.")
    names = {name for _, name in _orgs(extractor, text, "en")}
    assert not names & {"Terrorism", "Financial Intelligence", "Terrorism and Financial Intelligence"}


def test_a_town_shared_by_several_countries_follows_the_document(extractor):
    pe = extractor.extract("La policía allanó una casa en San Miguel, en Lima, Perú.", "es")
    ph = extractor.extract("Police raided a call centre in San Miguel, Manila, Philippines.", "en")
    src = extractor.extract("Police raided a call centre in San Miguel on Monday.", "en", "PH")
    assert {p.country for p in pe.places if p.text == "San Miguel"} == {"PE"}
    assert {p.country for p in ph.places if p.text == "San Miguel"} == {"PH"}
    assert {p.country for p in src.places if p.text == "San Miguel"} == {"PH"}


def test_an_armed_group_acronym_is_not_given_to_another_armed_group(extractor):
    text = ("The Karen National Army (KNA) controls Shwe Kokko. The KNA was once part of "
            "the Border Guard Force (BGF), which answered to the junta.")
    orgs = _orgs(extractor, text, "en")
    assert ("KNA", "Karen National Army") in orgs
    assert ("BGF", "Border Guard Force") in orgs


def test_malay_us_dollar_prefix_is_money_not_a_place(extractor):
    ents = extractor.extract("Mangsa memindahkan USDT bernilai kira-kira AS$2.1 juta ke Kemboja.",
                             "ms", "MY")
    assert [(m.amount, m.currency) for m in ents.money] == [(2.1e6, "USD")]
    assert "US" not in {p.country for p in ents.places}


def test_acronym_definitions_at_volume_are_bounded_and_each_counted_once(extractor):
    letters = [f"{chr(65 + i % 26)}{chr(65 + i // 26)}" for i in range(120)]
    text = "".join(f"The Bureau of Zeta {a[0]}{a[1].lower()} Works (BZ{a}W) said. " for a in letters)
    text += "The Office of Foreign Assets Control (OFAC) said. " * 300
    orgs = extractor.extract(text, "en").orgs
    names = {o.name for o in orgs}
    assert f"Bureau of Zeta {letters[0][0]}{letters[0][1].lower()} Works" in names
    assert sum(1 for o in orgs if o.text == "OFAC") <= 300
