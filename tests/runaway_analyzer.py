"""An Analyzer for the analysis-pool tests: the real one, except on marked pages.

A page whose body holds RUNAWAY sends a regex into catastrophic backtracking
(C code holding the interpreter: no signal or timer in that process can stop
it, the failure the pool exists for); CRASH kills the worker process outright;
BURN spends BURN_SECONDS of CPU first (a known amount to find in the accounts).
"""
from __future__ import annotations

import os
import re
import time

from nlp.analyze import Analyzer

_EXPONENTIAL = re.compile(r"^(a+)+$")
BURN_SECONDS = 1.0


class RunawayAnalyzer(Analyzer):
    def __init__(self, options=None):
        super().__init__(options)
        # The tests' deadlines are a few seconds: keep model loading out of them.
        self.warm_up()

    def analyze(self, pages, lang=None, progress=None):
        for page in pages:
            if b"RUNAWAY" in page.body:
                if progress is not None:
                    progress()
                _EXPONENTIAL.match("a" * 64 + "!")
            if b"CRASH" in page.body:
                os._exit(3)
            if b"BURN" in page.body:
                until = time.process_time() + BURN_SECONDS
                while time.process_time() < until:
                    pass
        return super().analyze(pages, lang=lang, progress=progress)
