"""Real publishers' pages through the full pipeline: the 181 pages of ScrapingHub's
article-extraction benchmark, served from one local site at their original paths and
crawled from its sitemap. The crawl ends, every page is stored exactly once, and the body
we store scores at least bare trafilatura's token F1 against the ground truth, measured on
the same pages in the same run.

The corpus is not in this repository (see CORPUS_HELP for where it is looked up); without
it the test says so and where to put it, instead of passing."""
from __future__ import annotations

import pytest

from nlp.evaluate import body_prf
from tests.fixtures.realsite import (CORPUS_HELP, load_corpus, measure_real_pages,
                                     real_pages_corpus)


def test_the_body_scorer_counts_tokens_of_every_script():
    assert body_prf("the port of Brest", "the port of Brest") == (1.0, 1.0, 1.0)
    p, r, f1 = body_prf("Menu Home the port of Brest", "The port of Brest, closed.")
    assert (p, r) == (4 / 6, 4 / 5) and f1 == pytest.approx(2 * p * r / (p + r))
    assert body_prf(None, "text")[2] == 0.0 and body_prf("", "")[2] == 1.0
    # Unspaced scripts count characters, not one token per run.
    assert body_prf("诈骗中心", "诈骗园区")[2] == pytest.approx(0.5)


@pytest.fixture(scope="module")
def corpus():
    found = real_pages_corpus()
    if found is None:
        pytest.skip(CORPUS_HELP)
    return found


def test_every_real_page_is_crawled_once_and_extracted_as_well_as_trafilatura(corpus, tmp_path):
    pages = load_corpus(corpus)
    assert len(pages) >= 150
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    report = measure_real_pages(corpus, data_dir, timeout=900)  # past this, it hung
    figures = "\n".join(report.lines())
    assert report.crawl_code is not None, "the crawl never ended:\n" + figures
    assert report.crawl_code == 0, figures
    assert report.duplicated == [] and report.unexpected == [], figures
    assert report.lost == [], f"{figures}\nlost: {report.lost}"
    assert report.stored == len(pages), figures
    worse = sorted(report.per_page.items(), key=lambda kv: kv[1][0] - kv[1][1])[:5]
    assert report.ours_f1 >= report.trafilatura_f1, (
        f"{figures}\nfurthest behind trafilatura (id: ours, trafilatura): {worse}")
