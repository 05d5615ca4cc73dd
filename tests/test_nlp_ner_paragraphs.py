"""spaCy NER runs paragraph by paragraph, each distinct paragraph once per batch: every
text still gets its own entities, at their offsets in that text, in text order."""
from __future__ import annotations

SHARED = "Elena Marchetti of the United Nations Office on Drugs and Crime visited Mae Sot."


def test_a_paragraph_shared_by_two_texts_gives_entities_to_both_at_their_offsets(
        entity_extractor):
    first = SHARED + "\nThe raid freed hundreds of workers."
    second = ("Somchai Wongsa, a doctor, treated dozens of them in Bangkok.\n"
              "a line without a capital letter, where no name can be.\n" + SHARED)
    one, two = entity_extractor.extract_many([(first, "en"), (second, "en")])
    for text, entities in ((first, one), (second, two)):
        assert "Elena Marchetti" in {p.name for p in entities.people}
        assert "UNODC" in {o.name for o in entities.orgs}
        for found in (entities.people, entities.orgs, entities.places):
            assert all(text[e.start:e.end] == e.text for e in found)
            assert [e.start for e in found] == sorted(e.start for e in found)
    assert "Somchai Wongsa" in {p.name for p in two.people}
    shared_at = second.index(SHARED)
    assert min(p.start for p in two.people if p.name == "Elena Marchetti") >= shared_at


def test_many_texts_in_one_batch_each_keep_their_own_entities(entity_extractor):
    names = ["Daniel Brennan", "Grace Haddad", "Jonas Moreau", "Marta Lindqvist"]
    texts = [(f"{name} told reporters in Bangkok on Monday that the raid had freed 300 "
              "workers.\n" + SHARED, "en") for name in names * 40]
    for (text, _), entities in zip(texts, entity_extractor.extract_many(texts)):
        person = text.split(" told")[0]
        assert {person, "Elena Marchetti"} <= {p.name for p in entities.people}
