"""Settings -> options of the nlp stage (the stage itself never reads Settings)."""
from __future__ import annotations

from nlp.options import NlpOptions


def nlp_options(settings) -> NlpOptions:
    return NlpOptions(
        models={lang: tuple(names) if not isinstance(names, str) else (names,)
                for lang, names in dict(settings.spacy_models).items()},
        batch_size=settings.nlp_batch_size,
        min_text_chars=settings.min_text_chars,
        max_text_chars=settings.max_text_chars,
        workers=settings.analysis_workers,
        page_timeout=settings.analysis_timeout,
        cache_dir=settings.cache_dir,
        zygote=settings.analysis_zygote,
    )
