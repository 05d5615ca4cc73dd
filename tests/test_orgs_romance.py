"""Spanish and French organisations named by structure (nlp/orgs_romance.py and the
Latin head-word pattern): legal forms, French lowercase heads, "de ... y ..." chains,
countries that belong to a body's name."""
from __future__ import annotations

import pytest

from nlp.gazetteer import tokenize
from nlp.orgs import pattern_orgs
from nlp.orgs_romance import company_orgs, french_lower_orgs
from tests.fixtures.nlp import org_texts as _names


def test_companies_end_with_spanish_and_french_legal_forms():
    text = ("Pagos fueron a Comercializadora Río Verde S.A. de C.V. y a Logística Norte, "
            "S. de R.L. de C.V., y luego a Viajes Sol S.L.; en Lyon, Atelier Numérique SAS "
            "et Conseil Léman Sàrl les ont reçus, comme Cuarzo Digital SRL.")
    assert [t for _, _, t in company_orgs(text, tokenize(text))] == [
        "Comercializadora Río Verde S.A. de C.V.", "Logística Norte, S. de R.L. de C.V.",
        "Viajes Sol S.L.", "Atelier Numérique SAS", "Conseil Léman Sàrl", "Cuarzo Digital SRL"]


def test_a_bare_short_form_needs_a_name_of_two_words():
    text = "Dijo SA que no. La empresa Pampa Minera SA cerró."
    assert [t for _, _, t in company_orgs(text, tokenize(text))] == ["Pampa Minera SA"]


def test_french_bodies_with_a_lowercase_head_need_a_qualifier_or_a_seat():
    text = ("Le parquet de Lille a saisi la police judiciaire et la gendarmerie nationale; "
            "le tribunal correctionnel de Nantes et la cour d'appel de Rennes jugeront. "
            "La police genevoise enquête, comme la police cantonale valaisanne. "
            "La police de Manille et le tribunal ont été critiqués.")
    assert [t for _, _, t in french_lower_orgs(text)] == [
        "parquet de Lille", "police judiciaire", "gendarmerie nationale",
        "tribunal correctionnel de Nantes", "cour d'appel de Rennes",
        "police cantonale valaisanne"]


def test_a_national_body_does_not_take_the_city_after_it():
    text = "Le parquet national financier de Paris et le Tribunal pénal fédéral de Bellinzone."
    assert [t for _, _, t in french_lower_orgs(text)] == [
        "parquet national financier", "Tribunal pénal fédéral"]


@pytest.mark.parametrize("text,expected", [
    ("La Secretaría de Economía y Fomento Industrial informó.",
     "Secretaría de Economía y Fomento Industrial"),
    ("El Servicio Nacional de Aduanas retuvo el envío.", "Servicio Nacional de Aduanas"),
    ("El Juzgado Federal en lo Penal Económico N° 2 ordenó.",
     "Juzgado Federal en lo Penal Económico N° 2"),
    ("La Contraloría General de la República auditó.", "Contraloría General de la República"),
])
def test_spanish_names_run_through_their_de_chains(text, expected):
    assert expected in [t for _, _, t in pattern_orgs(text, tokenize(text))]


def test_a_second_body_after_y_is_not_joined_to_the_first():
    text = "La Policía Federal de Brasil y Europol colaboraron."
    assert "Policía Federal de Brasil y Europol" not in [
        t for _, _, t in pattern_orgs(text, tokenize(text))]


def test_a_head_after_de_starts_a_new_body_unless_it_is_a_topic():
    text = "El fiscal de la Procuraduría de Justicia del Tribunal Superior habló."
    found = [t for _, _, t in pattern_orgs(text, tokenize(text))]
    assert "Procuraduría de Justicia" in found and "Tribunal Superior" in found


def test_bodies_keep_their_country_and_ministries_drop_it(extractor):
    text = ("El Banco Central del Ecuador y la Fiscalía General del Estado de Guatemala "
            "hablaron con el Ministerio de Gobierno de Bolivia.")
    names = _names(extractor, text, "es")
    assert {"Banco Central del Ecuador", "Fiscalía General del Estado de Guatemala",
            "Ministerio de Gobierno"} <= names


def test_latin_american_and_francophone_outlets_and_banks_are_organisations(extractor):
    es = "Según Télam y Notimex, las víctimas pagaron con Mercado Pago y Yape a CaixaBank."
    fr = "Selon la RTBF et Radio-Canada, les fonds passaient par Belfius et Orange Money."
    assert {"Télam", "Notimex", "Mercado Pago", "Yape", "CaixaBank"} <= _names(extractor, es, "es")
    assert {"RTBF", "Radio-Canada", "Belfius", "Orange Money"} <= _names(extractor, fr, "fr")


def test_french_lowercase_bodies_reach_the_extractor(extractor):
    text = "À Bordeaux, le parquet de Bordeaux et la police aux frontières ont interpellé trois hommes."
    assert {"parquet de Bordeaux", "police aux frontières"} <= _names(extractor, text, "fr")


def test_a_national_force_with_a_nationality_takes_its_english_name(extractor):
    text = "Selon la police nationale ivoirienne et la police fédérale suisse, trois réseaux opèrent."
    orgs = {(o.text, o.name) for o in extractor.extract(text, "fr").orgs}
    assert {("police nationale ivoirienne", "Ivorian National Police"),
            ("police fédérale suisse", "Swiss Federal Police")} <= orgs


def test_a_bare_cancilleria_is_the_foreign_ministry_and_a_longer_name_wins(extractor):
    text = ("La Cancillería pidió calma y el Ministerio de Relaciones Exteriores respondió; "
            "el Ministerio de Relaciones Exteriores y Culto de Costa Rica también.")
    orgs = {(o.text, o.name) for o in extractor.extract(text, "es").orgs}
    assert ("Cancillería", "Ministry of Foreign Affairs") in orgs
    assert ("Ministerio de Relaciones Exteriores", "Ministry of Foreign Affairs") in orgs
    assert any(t.startswith("Ministerio de Relaciones Exteriores y Culto") for t, _ in orgs)


def test_a_court_runs_through_en_lo_and_y_to_its_number():
    text = "Lo ordenó el Juzgado Federal en lo Civil y Comercial Federal N° 7 ayer."
    assert "Juzgado Federal en lo Civil y Comercial Federal N° 7" in [
        t for _, _, t in pattern_orgs(text, tokenize(text))]


def test_national_institutions_of_es_and_fr_countries_take_their_canonical_names(extractor):
    fr = ("La Gendarmerie royale du Canada et le Centre antifraude du Canada ont alerté "
          "Affaires mondiales Canada; fedpol et Tracfin suivent le dossier.")
    names = {o.name for o in extractor.extract(fr, "fr").orgs}
    assert {"RCMP", "Canadian Anti-Fraud Centre", "Global Affairs Canada", "fedpol",
            "Tracfin"} <= names
    es = "El Instituto Nacional de Migración y la Fiscalía General de la República actuaron."
    assert {"Instituto Nacional de Migración", "Fiscalía General de la República"} <= {
        o.name for o in extractor.extract(es, "es").orgs}


def test_a_generic_ministry_name_is_not_given_to_one_country(extractor):
    # Costa Rica's and Panama's security ministries share their name with China's
    text = "El Ministerio de Seguridad Pública de Costa Rica y el Ministerio de Seguridad Pública de China firmaron."
    names = {o.name for o in extractor.extract(text, "es").orgs}
    assert "Chinese Ministry of Public Security" in names
    assert {o.name for o in extractor.extract(
        "El Ministerio de Seguridad Pública confirmó las detenciones en Limón.", "es").orgs} \
        == {"Ministerio de Seguridad Pública"}


def test_a_title_before_a_head_word_does_not_make_the_person_an_organisation(extractor):
    text = "El Secretario de Gobernación Adán Ruiz y el fiscal Marco Díaz llegaron."
    assert not {o.text for o in extractor.extract(text, "es").orgs}
