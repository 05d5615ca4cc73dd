"""spaCy NER over many texts, the parser's loop run holding the interpreter lock.

    for doc in ner_pipe(nlp, texts, batch_size=128): ...   # as nlp.pipe(texts, batch_size=...)

spaCy's greedy parse runs its transition loop inside `with nogil`, and in the
installed build (spaCy 3.8, compiled by Cython 3.3) the state accessors that loop
calls on every state, action and step (StateC.B_, safe_get...) take the lock and
give it back around nothing: mutex and condition-variable calls tens of millions
of times over a thousand pages, about half of NER's CPU. Here the same loop runs
from Python, holding the lock (those accessors then cost a counter): the parser's
own step model scores the states (the same precomputed features, summed by the
same C function, the same maxout, the same BLIS gemm and bias) and the parser's
own transition_states takes the best valid action. Same batches and sub-batches
as Parser.pipe, same arithmetic, same entities (tests/test_nlp_ner_pipe.py checks
them against nlp.pipe). A pipeline this does not fit (other components than NER,
beam search, GPU ops) goes through nlp.pipe unchanged.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator

log = logging.getLogger(__name__)


def ner_pipe(nlp: Any, texts: Iterable[str], batch_size: int) -> Iterator[Any]:
    """Docs for texts, in order, as nlp.pipe(texts, batch_size=batch_size) makes them."""
    ner = lock_held_ner(nlp)
    if ner is None:
        yield from nlp.pipe(texts, batch_size=batch_size)
        return
    from spacy.util import minibatch

    docs = (nlp.make_doc(text) for text in texts)
    error_handler = ner.get_error_handler()
    # Parser.pipe's batching: batches in order, each parsed in sub-batches of similar lengths.
    for batch in minibatch(docs, size=batch_size):
        try:
            for part in minibatch(sorted(batch, key=len), size=max(batch_size // 4, 2)):
                ner.set_annotations(part, _predict(ner, part))
            yield from batch
        except Exception as exc:
            error_handler(ner.name, ner, batch, exc)


def lock_held_ner(nlp: Any) -> Any | None:
    """nlp's NER component when the loop above applies to nlp, else None."""
    try:
        from spacy.ml.tb_framework import forward as transition_forward
        from spacy.pipeline.transition_parser import Parser
        from thinc.api import NumpyOps

        if list(nlp.pipe_names) != ["ner"]:
            return None
        ner = nlp.get_pipe("ner")
        if (isinstance(ner, Parser) and ner.cfg.get("beam_width", 1) == 1
                and type(ner.model.ops) is NumpyOps
                and getattr(ner.model, "_func", None) is transition_forward):
            return ner
    except (ImportError, AttributeError, KeyError) as exc:  # another spaCy: its own pipe
        log.debug("spaCy NER through nlp.pipe (%s)", exc)
    return None


def _predict(ner: Any, docs: list) -> list:
    """Parser.greedy_parse, stepped from Python: the parse states of docs."""
    from thinc.api import set_dropout_rate

    if not any(len(doc) for doc in docs):
        return ner.moves.init_batch(docs)
    ner._ensure_labels_are_added(docs)
    set_dropout_rate(ner.model, 0.0)
    batch = ner.moves.init_batch(docs)
    step = ner.model.predict(docs)
    states = [state for state in batch if not state.is_final()]
    while states:
        states = ner.transition_states(states, step.predict(states))
    step.clear_memory()
    return batch
