"""spaCy pipelines load without building the language's default tokenizer first
(nlp.entities.load_model): the saved tokenizer replaces it, so tokens, norms and
entities must be exactly those of a plain spacy.load."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from nlp.entities import (NON_NER_COMPONENTS, SAVED_TOKENIZER, _saved_tokenizer_complete,
                          installed_model, load_model)
from nlp.options import DEFAULT_MODELS

REPO = Path(__file__).resolve().parents[1]


def _paragraphs(lang: str) -> list[str]:
    out = []
    for directory in ("gold", "heldout"):
        for path in sorted((REPO / "tests" / "data" / directory).glob(f"{lang}-*.json")):
            text = json.loads(path.read_text(encoding="utf-8"))["text"]
            out.extend(p for p in text.split("\n") if p.strip())
    return out


def _analysis(nlp, texts: list[str]) -> list:
    return [([(t.text, t.idx, t.norm_, t.shape_, t.prefix_, t.suffix_, t.like_num)
              for t in doc], [(e.start_char, e.end_char, e.label_) for e in doc.ents])
            for doc in nlp.pipe(texts)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_saved_tokenizer_alone_gives_what_spacy_load_gives(lang):
    name = installed_model(DEFAULT_MODELS[lang])
    assert name is not None, f"no spaCy model installed for {lang}"
    assert _saved_tokenizer_complete(name)
    # Fresh pipelines, not the process's cached one: a model other tests have run has
    # grown its string store, so its tokenizer bytes differ from a new load's.
    ours = load_model.__wrapped__(name)
    plain = spacy.load(name, exclude=NON_NER_COMPONENTS)
    assert ours.config["nlp"]["tokenizer"] == {"@tokenizers": SAVED_TOKENIZER}
    assert ours.pipe_names == plain.pipe_names == ["ner"]
    assert ours.tokenizer.to_bytes() == plain.tokenizer.to_bytes()
    texts = _paragraphs(lang)
    assert len(texts) > 50
    assert _analysis(ours, texts) == _analysis(plain, texts)


def test_a_name_that_is_no_installed_package_loads_the_usual_way():
    assert not _saved_tokenizer_complete("no_such_pipeline_sm")
