"""Places resolve to canonical English names and ISO country codes in any language; demonyms are not places."""
from __future__ import annotations

import pytest


def places(extractor, text, lang):
    return {(p.name, p.country) for p in extractor.extract(text, lang).places}


@pytest.mark.parametrize("text,lang,expected", [
    ("Hundreds fled KK Park near Myawaddy into Mae Sot, Thailand.", "en",
     {("KK Park", "MM"), ("Myawaddy", "MM"), ("Mae Sot", "TH"), ("Thailand", "TH")}),
    ("Des victimes retenues à Sihanoukville et à Bavet, au Cambodge, près du Viêt Nam.", "fr",
     {("Sihanoukville", "KH"), ("Bavet", "KH"), ("Cambodia", "KH"), ("Vietnam", "VN")}),
    ("Las víctimas fueron llevadas a Birmania y Camboya desde Perú.", "es",
     {("Myanmar", "MM"), ("Cambodia", "KH"), ("Peru", "PE")}),
    ("Polisi memulangkan WNI dari Kamboja dan Myanmar ke Jakarta.", "id",
     {("Cambodia", "KH"), ("Myanmar", "MM"), ("Jakarta", "ID")}),
    ("Hàng trăm người Việt bị lừa sang Campuchia và Thái Lan.", "vi",
     {("Cambodia", "KH"), ("Thailand", "TH")}),
    ("ตำรวจช่วยเหลือเหยื่อจากเมียวดี ประเทศพม่า ข้ามมายังแม่สอด จังหวัดตาก", "th",
     {("Myawaddy", "MM"), ("Myanmar", "MM"), ("Mae Sot", "TH"), ("Tak", "TH")}),
    ("缅甸妙瓦底KK园区的受害者被转移到柬埔寨西港和泰国曼谷。", "zh",
     {("Myanmar", "MM"), ("Myawaddy", "MM"), ("KK Park", "MM"), ("Cambodia", "KH"),
      ("Sihanoukville", "KH"), ("Thailand", "TH"), ("Bangkok", "TH")}),
    ("မြဝတီမှ လူများကို ထိုင်းနိုင်ငံသို့ ပြန်ပို့သည်။", "my", {("Myawaddy", "MM"), ("Thailand", "TH")}),
    ("ប៉ូលីសបានរកឃើញជនរងគ្រោះនៅក្រុងព្រះសីហនុ ប្រទេសកម្ពុជា", "km",
     {("Sihanoukville", "KH"), ("Cambodia", "KH")}),
])
def test_places_map_to_country_codes_across_languages(entity_extractor, text, lang, expected):
    assert expected <= places(entity_extractor, text, lang)


def test_regions_have_no_country(entity_extractor):
    found = {p.name: p for p in entity_extractor.extract(
        "Criminal networks in Southeast Asia and the Golden Triangle expanded.", "en").places}
    assert found["Southeast Asia"].country is None
    assert found["Golden Triangle"].country is None


def test_hubs_carry_coordinates(entity_extractor):
    [kk] = [p for p in entity_extractor.extract("Raid on KK Park.", "en").places]
    assert kk.kind == "hub" and kk.lat and kk.lon


@pytest.mark.parametrize("text,lang,demonym", [
    ("Parmi les victimes figurent des Malaisiens et des Thaïlandais.", "fr", "Malaysian"),
    ("Ugandan and Kenyan workers said they were trafficked.", "en", "Ugandan"),
    ("Most of those freed were Chinese nationals.", "en", "Chinese"),
    ("警方遣返了一批中国人。", "zh", "Chinese"),
    ("ชาวจีนหลายร้อยคนถูกส่งกลับ", "th", "Chinese"),
])
def test_nationalities_are_never_places(entity_extractor, text, lang, demonym):
    entities = entity_extractor.extract(text, lang)
    assert demonym in entities.nationalities
    assert not {"Malaysia", "Uganda", "Kenya", "China", "Thailand"} & {p.name for p in entities.places}


def test_french_latin_america_is_not_cut_to_america(entity_extractor):
    names = {p.name for p in entity_extractor.extract(
        "Des ressortissants d'Amérique latine ont été attirés par de fausses offres.", "fr").places}
    assert "Latin America" in names
    assert not any(n.startswith("Amérique") for n in names)


def test_all_caps_dateline_is_a_place(entity_extractor):
    assert ("Yangon", "MM") in places(entity_extractor, "YANGON — Troops raided a compound.", "en")


def test_place_inside_an_organisation_name_is_not_a_place(entity_extractor):
    names = {p.name for p in entity_extractor.extract(
        "Royal Thai Police officers met the Cambodian National Police in Poipet.", "en").places}
    assert names == {"Poipet"}


def test_money_is_not_a_place(entity_extractor):
    entities = entity_extractor.extract("Korban diminta membayar 3.000 dolar AS untuk pulang.", "id")
    assert "United States" not in {p.name for p in entities.places}
    assert entities.money and entities.money[0].currency == "USD"


def test_unknown_demonyms_from_the_model_are_nationalities(entity_extractor):
    entities = entity_extractor.extract(
        "Des Namibiens et des Zambiens ont été recrutés par des intermédiaires.", "fr")
    assert not {"Namibiens", "Zambiens"} & {p.name for p in entities.places}


def test_function_word_is_not_a_city_in_its_language(entity_extractor):
    entities = entity_extractor.extract("Lima orang korban dipulangkan ke Jakarta.", "id")
    assert {p.name for p in entities.places} == {"Jakarta"}
    assert "Lima" in {p.name for p in entity_extractor.extract(
        "Las víctimas llegaron a Lima el lunes.", "es").places}


def test_a_town_name_inside_a_longer_name_is_not_the_town(entity_extractor):
    names = {p.text for p in entity_extractor.extract(
        "Pelabuhan Tanjung Priok ramai. Kabupaten Bogor dan Depok dilanda banjir.", "id").places}
    assert "Tanjung" not in names and {"Bogor", "Depok"} <= names


def test_unknown_place_takes_the_country_named_after_it(entity_extractor):
    places = {p.text: p.country for p in entity_extractor.extract(
        "Boats crossed the river at Houayxay. Officials in Ban Namkhong, Laos, said.", "en").places}
    assert [country for text, country in places.items() if "Namkhong" in text] == ["LA"]
