"""Places no gazetteer lists are found by their shape: a level word of the article's language
and a name (district, regency, canton, county), an airport's name, a compass word after a
known place; towns of the countries an article is about are kept; a place inside an
organisation's name stays out; and a filter name written with its level word resolves."""
from __future__ import annotations

import pytest

from nlp.place_patterns import admin_places, thai_admin_places
from nlp.gazetteer import tokenize
from scamscope.names import FilterNames


def places(extractor, text, lang, country=None):
    return {(p.text, p.name, p.country) for p in extractor.extract(text, lang, country).places}


def names(extractor, text, lang, country=None):
    return {p.name for p in extractor.extract(text, lang, country).places}


@pytest.mark.parametrize("text,lang,country,expected", [
    ("Nhóm nạn nhân quê ở huyện Bến Cầu và xã Phước Chỉ, thị xã Trảng Bàng.", "vi", "VN",
     {("huyện Bến Cầu", "Ben Cau", "VN"), ("xã Phước Chỉ", "Phuoc Chi", "VN"),
      ("Trảng Bàng", "Trang Bang", "VN")}),
    ("Korban berasal dari Kabupaten Bolaang Mongondow dan Kecamatan Tebet, Jakarta Selatan.",
     "id", "ID",
     {("Kabupaten Bolaang Mongondow", "Bolaang Mongondow", "ID"), ("Kecamatan Tebet", "Tebet", "ID"),
      ("Jakarta Selatan", "South Jakarta", "ID")}),
    ("Los allanamientos se hicieron en el cantón Durán y en el partido de La Matanza.", "es",
     "EC", {("cantón Durán", "Durán", "EC"), ("partido de La Matanza", "La Matanza", "EC")}),
    ("ชาวบ้านตำบลเวียงพางคำ อำเภอแม่สาย เดินทางผ่านแขวงจำปาสัก", "th", "TH",
     {("ตำบลเวียงพางคำ", "เวียงพางคำ", "TH"), ("แขวงจำปาสัก", "Champasak", "LA")}),
    ("团伙骨干多为温州市苍南县人，曾在勐腊县和屏東縣活动。", "zh", "CN",
     {("苍南县", "苍南县", "CN"), ("勐腊县", "Mengla", "CN"), ("屏東縣", "Pingtung", "TW")}),
])
def test_level_word_and_name_is_a_place(entity_extractor, text, lang, country, expected):
    assert expected <= places(entity_extractor, text, lang, country)


@pytest.mark.parametrize("text,lang,country,airport,town", [
    ("Recruits were flown out of Clark International Airport to Phnom Penh.", "en", "PH",
     "Clark International Airport", "Clark"),
    ("Salieron del Aeropuerto Internacional de Ezeiza hacia Doha.", "es", "AR",
     "Ezeiza International Airport", "Ezeiza"),
    ("嫌疑人降落在上海浦东国际机场。", "zh", "CN", "Pudong International Airport", "Pudong"),
])
def test_an_airport_is_one_place_not_the_town_in_its_name(entity_extractor, text, lang, country,
                                                          airport, town):
    found = names(entity_extractor, text, lang, country)
    assert airport in found
    assert town not in found


def test_towns_of_the_country_an_article_is_about_are_kept(entity_extractor):
    text = "Hubo allanamientos en Alajuela, Heredia y Puntarenas, en la provincia de Guanacaste."
    found = names(entity_extractor, text, "es")  # no source country: the province says CR
    assert {"Alajuela", "Heredia", "Puntarenas", "Guanacaste"} <= found


def test_first_level_units_of_spanish_speaking_countries(entity_extractor):
    found = places(entity_extractor, "Jóvenes de Manabí y Guayas viajaron a Myanmar.", "es")
    assert {("Manabí", "Manabí", "EC"), ("Guayas", "Guayas", "EC")} <= found


@pytest.mark.parametrize("text,lang,country,not_a_place", [
    ("Công an huyện Châu Thành đang mở rộng điều tra.", "vi", "VN", "Chau Thanh"),
    ("El Departamento del Tesoro de Estados Unidos sancionó a tres empresas.", "es", None,
     "Tesoro de Estados Unidos"),
    ("ผู้ต้องหาถูกส่งตัวไปยังอำเภอนี้ได้รับการประสาน", "th", "TH", "นี้ได้รับการประสาน"),
])
def test_level_words_inside_names_and_phrases_are_not_places(entity_extractor, text, lang,
                                                             country, not_a_place):
    assert not_a_place not in names(entity_extractor, text, lang, country)


def test_thai_level_word_glued_to_a_long_run_is_left_alone():
    text = "อำเภอเชียงแสนก่อนนั่งเรือข้ามแม่น้ำโขงไปยังเขตเศรษฐกิจพิเศษ"
    assert thai_admin_places(text) == []


def test_level_word_scan_is_linear_on_a_long_hostile_text():
    # tens of thousands of level words with no name after them: one pass, nothing found
    text = "huyện " * 20_000 + "tỉnh"
    assert admin_places(text, tokenize(text), "vi", "VN") == []
    capitals = "Kabupaten " + "Aa " * 20_000
    assert len(admin_places(capitals, tokenize(capitals), "id", "ID")) == 1


def test_places_inside_a_town_and_province_alias_are_both_found(entity_extractor):
    found = names(entity_extractor, "The hub in Porac, Pampanga and another in Bamban, Tarlac.", "en")
    assert {"Porac", "Pampanga", "Bamban", "Tarlac"} <= found


@pytest.mark.parametrize("written,canonical", [
    ("tỉnh Long An", "Long An"), ("thị xã Trảng Bàng", "Trang Bang"),
    ("tỉnh Bolikhamxay", "Bolikhamsai"), ("tỉnh Bokeo", "Bokeo"), ("กรุงพนมเปญ", "Phnom Penh"),
    ("清莱府", "Chiang Rai"), ("广西壮族自治区", "Guangxi"),
    # a level syllable is not stripped from a name it belongs to
    ("Thanh Hóa", "Thanh Hoa"), ("Tịnh Biên", "Tinh Bien"),
    # a river by its river word in any language (a Chinese city without the 市 the table
    # keeps resolves only where an article writes it so: test_filters_names_across_languages)
    ("Sungai Moei", "Moei River"), ("rivière Moei", "Moei River"),
])
def test_a_place_written_with_its_level_word_resolves_as_a_filter(written, canonical):
    assert FilterNames().resolve("place", written) == canonical


def test_a_facility_spacy_calls_an_organisation_stays_a_place(entity_extractor):
    text = ("The syndicate sent them to Sihanoukville via the Ninoy Aquino International "
            "Airport. The Bureau of Immigration said it would tighten checks.")
    assert "Ninoy Aquino International Airport" in names(entity_extractor, text, "en")


@pytest.mark.parametrize("text,lang,expected", [
    ("Warga Sulawesi Tengah dan Kepulauan Bangka Belitung dipulangkan.", "id",
     {("Central Sulawesi", "ID"), ("Bangka Belitung Islands", "ID")}),
    ("Nạn nhân quê ở Thanh Hoá, Khánh Hoà và Kiên Giang.", "vi",
     {("Thanh Hoa", "VN"), ("Khanh Hoa", "VN"), ("Kien Giang", "VN")}),
    ("ຕຳຫຼວດລາວກວດຄົ້ນເຂດເສດຖະກິດພິເສດສາມຫຼ່ຽມຄຳ ແຂວງບໍ່ແກ້ວ", "lo",
     {("Golden Triangle Special Economic Zone", "LA"), ("Bokeo", "LA")}),
    ("ប៉ូលីសខេត្តបាត់ដំបងបានជួយសង្គ្រោះជនរងគ្រោះ", "km", {("Battambang", "KH")}),
])
def test_provinces_in_local_forms_get_english_names(entity_extractor, text, lang, expected):
    assert expected <= {(p.name, p.country) for p in entity_extractor.extract(text, lang).places}


@pytest.mark.parametrize("text,lang,country", [
    ("ตำรวจยึดเงินดอลลาร์สหรัฐอีก 50,000 ดอลลาร์", "th", "US"),
    ("Mereka dibayar dalam dolar Singapura setiap bulan.", "ms", "SG"),
])
def test_a_currency_named_after_a_country_is_not_a_place(entity_extractor, text, lang, country):
    assert country not in {p.country for p in entity_extractor.extract(text, lang).places}
