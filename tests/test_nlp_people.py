"""People: model PERSON spans cleaned (titles, possessives) and surnames resolved to the full name."""
from __future__ import annotations


def test_titles_are_dropped_and_surnames_resolve_to_the_full_name(entity_extractor):
    text = ("Elena Marchetti, who led the research, said the networks were adapting. "
            "Marchetti added that victims now come from more than 60 countries. "
            "Dr. Somchai Wongsa, a doctor in Mae Sot, treated dozens of them.")
    people = {p.name for p in entity_extractor.extract(text, "en").people}
    assert "Elena Marchetti" in people and "Marchetti" not in people
    assert not any(name.startswith("Dr") for name in people)


def test_a_town_the_model_takes_for_a_person_is_a_place(entity_extractor):
    entities = entity_extractor.extract(
        "Farmers near Long Xuyen said the harvest was the best in a decade.", "en")
    assert "Long Xuyen" not in {p.name for p in entities.people}
    assert ("VN" in {p.country for p in entities.places})


def test_people_without_a_model_next_to_a_title_or_reporting_verb(entity_extractor):
    cases = [
        ("La directora de la agencia, Ana María Torres, dijo que regresarán. La Policía "
         "Nacional dijo que investiga.", "es", {"Ana María Torres"}),
        ("Direktur Perlindungan WNI Judha Nugraha mengatakan para korban telah dipulangkan.",
         "id", {"Judha Nugraha"}),
        ("Ông Nguyễn Văn Long cho biết 600 công dân đã được đưa về.", "vi", {"Nguyễn Văn Long"}),
    ]
    for text, lang, expected in cases:
        assert {p.name for p in entity_extractor.extract(text, lang).people} == expected
