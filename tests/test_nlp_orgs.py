"""Organisations get one canonical name across languages and acronyms; unknown ones keep their name."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text,lang", [
    ("The United Nations said thousands were held.", "en"),
    ("The UN said thousands were held.", "en"),
    ("Selon les Nations unies, des milliers de personnes sont retenues.", "fr"),
    ("Según las Naciones Unidas, miles de personas están retenidas.", "es"),
    ("Menurut PBB, ribuan orang ditahan.", "id"),
    ("据联合国估计，数以万计的人被困。", "zh"),
    ("สหประชาชาติระบุว่ามีผู้ถูกกักตัวหลายพันคน", "th"),
])
def test_united_nations_in_every_language(entity_extractor, text, lang):
    assert "United Nations" in {o.name for o in entity_extractor.extract(text, lang).orgs}


@pytest.mark.parametrize("text,lang,name", [
    ("The United Nations Office on Drugs and Crime (UNODC) published a report.", "en", "UNODC"),
    ("Interpol coordinated the operation.", "en", "INTERPOL"),
    ("Le Trésor américain a sanctionné le groupe.", "fr", "US Treasury"),
    ("The Office of Foreign Assets Control designated the network.", "en", "OFAC"),
    ("Fighters of the BGF guarded the compound.", "en", "Border Guard Force"),
    ("The Democratic Karen Buddhist Army denied involvement.", "en", "DKBA"),
    ("Le ministère chinois de la Sécurité publique a annoncé des arrestations.", "fr",
     "Chinese Ministry of Public Security"),
    ("The Presidential Anti-Organized Crime Commission raided the hub.", "en", "PAOCC"),
    ("美国财政部制裁了太子集团。", "zh", "Prince Group"),
    ("The State Administration Council denied the report.", "en", "State Administration Council"),
])
def test_aliases_are_canonicalised(entity_extractor, text, lang, name):
    assert name in {o.name for o in entity_extractor.extract(text, lang).orgs}


def test_unknown_organisation_keeps_its_surface_name(entity_extractor):
    orgs = {o.name for o in entity_extractor.extract(
        "Analysts at the Mekong Freedom Foundation said the compound had reopened.", "en").orgs}
    assert any("Mekong Freedom Foundation" in name for name in orgs)


def test_demonym_is_not_an_organisation(entity_extractor):
    entities = entity_extractor.extract("Ugandan workers said they were trafficked.", "en")
    assert "Ugandan" not in {o.name for o in entities.orgs}


@pytest.mark.parametrize("text,lang,name", [
    ("La Policía Nacional del Perú rescató a doce víctimas.", "es", "Policía Nacional del Perú"),
    ("La Secretaría de Relaciones Exteriores de México repatrió a 23 personas.", "es",
     "Secretaría de Relaciones Exteriores"),
    ("El Departamento del Tesoro de Estados Unidos sancionó a la red.", "es", "US Treasury"),
    ("Otoritas Jasa Keuangan (OJK) mencatat kerugian besar.", "id", "Otoritas Jasa Keuangan"),
    ("上海市公安局破获一起跨境洗钱案。", "zh", "Shanghai Public Security Bureau"),
    ("中国驻老挝大使馆提醒中国公民。", "zh", "Embassy of China in Laos"),
    # embassies and consulates get one name in every language
    ("L'ambassade de France à Bangkok a confirmé les faits.", "fr", "Embassy of France in Bangkok"),
    ("The Chinese embassy in Phnom Penh warned citizens.", "en", "Embassy of China in Phnom Penh"),
    ("La embajada de México en Tailandia pidió ayuda.", "es", "Embassy of Mexico in Thailand"),
    ("The Kenyan Embassy said 40 citizens were missing.", "en", "Embassy of Kenya"),
])
def test_organisations_named_by_pattern(entity_extractor, text, lang, name):
    assert name in {o.name for o in entity_extractor.extract(text, lang).orgs}


@pytest.mark.parametrize("text, lang, place", [
    ("上海市公安局破获一起跨境洗钱案。", "zh", "Shanghai"),
    ("Pengadilan Negeri Batam menjatuhkan vonis tujuh tahun.", "id", "Batam"),
    ("Công an tỉnh An Giang đã bắt giữ 12 người.", "vi", "An Giang"),
    ("La Cancillería de Colombia confirmó el rescate.", "es", "Colombia"),
])
def test_place_inside_an_organisation_name_is_not_a_place(entity_extractor, text, lang, place):
    """The gold convention: "Policía Nacional del Perú", "上海市公安局" name an organisation,
    not the place (a reader filtering by place wants stories about the place)."""
    entities = entity_extractor.extract(text, lang)
    assert place not in {p.name for p in entities.places}
    assert entities.orgs


def test_place_named_beside_an_organisation_is_still_a_place(entity_extractor):
    entities = entity_extractor.extract("上海市公安局在上海破获一起跨境洗钱案。", "zh")
    assert "Shanghai" in {p.name for p in entities.places}


def test_organisation_split_at_and_is_joined(entity_extractor):
    orgs = {o.name for o in entity_extractor.extract(
        "Officials from the Malaysian Communications and Multimedia Commission said the "
        "accounts were blocked.", "en").orgs}
    assert "Malaysian Communications and Multimedia Commission" in orgs



def test_name_cut_short_by_the_model_is_completed_by_its_acronym(entity_extractor):
    orgs = entity_extractor.extract(
        "Le ministère des Affaires étrangères, du Commonwealth et du Développement (FCDO) a "
        "sanctionné le groupe.", "fr").orgs
    assert {o.name for o in orgs} == {"Foreign Office"}
    assert any(o.text.endswith("du Développement") for o in orgs)
