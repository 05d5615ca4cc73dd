"""`scamscope extract` under bad input: one clear line and the right exit code, never a
traceback, never unbounded memory; odd but real pages still give their text."""
from __future__ import annotations

import pytest

ARTICLE = ("<html><head><title>Raid on a scam compound</title></head><body><article>"
           + "".join(f"<p>Police raided scam compound number {i} near the border and freed "
                     f"{i * 40} workers who had been forced to run online fraud schemes.</p>"
                     for i in range(1, 5))
           + "</article></body></html>")


def test_dev_zero_is_refused_without_reading_it_all(cli):
    result = cli("extract", "/dev/zero", "--url", "https://e.org/a")
    assert result.code == 2
    assert result.err.strip().endswith("/dev/zero is larger than 5 MB (max_page_bytes)")
    assert result.err.count("\n") == 1


def test_a_file_one_byte_over_max_page_bytes_is_refused(cli, tmp_path):
    page = tmp_path / "big.html"
    page.write_text(ARTICLE)
    limit = str(len(ARTICLE.encode()) - 1)
    result = cli("extract", str(page), env={"SCAMSCOPE_MAX_PAGE_BYTES": limit})
    assert result.code == 2 and "is larger than" in result.err and "(max_page_bytes)" in result.err
    ok = cli("extract", str(page), "--json", env={"SCAMSCOPE_MAX_PAGE_BYTES": str(len(ARTICLE))})
    assert ok.code == 0, ok.err
    assert ok.json()["title"] == "Raid on a scam compound"


def test_stdin_is_read_up_to_the_limit_too(cli):
    result = cli("extract", "-", "--url", "https://e.org/a", "--json", input=ARTICLE)
    assert result.code == 0, result.err
    assert result.json()["url"] == "https://e.org/a"
    refused = cli("extract", "-", input=ARTICLE, env={"SCAMSCOPE_MAX_PAGE_BYTES": "100"})
    assert refused.code == 2 and refused.err.count("\n") == 1 and "larger than" in refused.err


@pytest.mark.parametrize("url", ["notaurl", "javascript:alert(1)", "mailto:a@b.org",
                                 "file:///etc/passwd", "http://[::1", "http://h:99999/x",
                                 "https://"])
def test_url_that_is_not_http_is_a_usage_error(cli, tmp_path, url):
    page = tmp_path / "a.html"
    page.write_text(ARTICLE)
    result = cli("extract", str(page), "--url", url)
    assert result.code == 2
    assert result.err.count("\n") == 1 and "expected an http(s) URL" in result.err


def test_no_text_is_one_line_without_library_warnings(cli, tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><body><script>var x = 1;</script></body></html>")
    result = cli("extract", str(page))
    assert result.code == 1
    assert result.err.count("\n") == 1, result.err
    assert "no_text" in result.err and "WARNING" not in result.err


@pytest.mark.parametrize("depth", [1000, 50_000])  # past libxml2's 256, and past its 2048
def test_text_nested_thousands_of_elements_deep_is_found(cli, tmp_path, depth):
    body = "".join(f"<p>Police raided scam compound number {i} near the border and freed "
                   f"{i * 40} workers forced to run online fraud.</p>" for i in range(1, 6))
    page = tmp_path / "deep.html"
    page.write_text("<html><head><title>Deep page</title></head><body>" + "<div>" * depth
                    + body + "</div>" * depth + "</body></html>")
    result = cli("extract", str(page), "--url", "https://e.org/deep", "--json")
    assert result.code == 0, result.err
    text = result.json()["text"]
    assert "compound number 1 " in text and "compound number 5 " in text
