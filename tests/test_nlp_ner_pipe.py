"""spaCy NER stepped from Python (nlp.ner_pipe) finds exactly what nlp.pipe finds: the same
entities, labels and token tags for every paragraph of the dev articles in English and
French, in batches of any size, empty and one-character texts included; a pipeline it
does not fit goes through nlp.pipe."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.entities import _paragraphs
from nlp.ner_pipe import lock_held_ner, ner_pipe

DATA = Path(__file__).parent / "data"
DEV_SETS = ("gold", "dev2", "dev3", "dev4", "dev5")  # never the held-out sets


def dev_paragraphs(lang: str) -> list[str]:
    paragraphs = []
    for name in DEV_SETS:
        for path in sorted((DATA / name).glob(f"{lang}-*.json")):
            article = json.loads(path.read_text(encoding="utf-8"))
            paragraphs += [p for _, p in _paragraphs(article["title"] + "\n" + article["text"])]
    return paragraphs


def tags(docs) -> list:
    return [([(e.start_char, e.end_char, e.label_) for e in doc.ents],
             [(t.ent_iob_, t.ent_type_) for t in doc]) for doc in docs]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("batch_size", [128, 7])
def test_every_dev_paragraph_gets_the_entities_nlp_pipe_gives_it(entity_extractor, lang,
                                                                  batch_size):
    nlp = entity_extractor.model(lang)
    texts = dev_paragraphs(lang)
    assert len(texts) > 100
    texts += ["", " ", "A", "\n", texts[0], "Mae Sot " * 400]  # edges, a repeat, a long one
    ours = tags(ner_pipe(nlp, texts, batch_size))
    assert ours == tags(nlp.pipe(texts, batch_size=batch_size))
    assert sum(len(ents) for ents, _ in ours) > 200


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_installed_models_take_the_lock_held_loop(entity_extractor, lang):
    assert lock_held_ner(entity_extractor.model(lang)) is not None


def test_a_pipeline_with_more_than_ner_goes_through_nlp_pipe():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    assert lock_held_ner(nlp) is None
    docs = list(ner_pipe(nlp, ["One sentence. Another one.", "Third."], 8))
    assert [len(list(doc.sents)) for doc in docs] == [2, 1]
