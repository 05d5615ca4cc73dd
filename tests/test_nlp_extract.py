"""Extraction of text, title, date and language from fetched pages; bad pages are rejected with a reason."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from nlp.errors import ExtractionError
from nlp.extract import decode_body, extract_page
from nlp.language import detect_language, normalise_tag
from nlp.records import Page

HTML = Path(__file__).parent / "data" / "html"


def page(body: bytes, *, ctype: str | None = "text/html; charset=utf-8", status: int = 200,
         url: str = "https://news.example/a/1") -> Page:
    headers = {"content-type": ctype} if ctype else {}
    return Page(url=url, final_url=url, status=status, body=body, headers=headers)


def test_english_article_title_date_language_and_text():
    result = extract_page(page((HTML / "article_en.html").read_bytes()))
    assert result.title == "Thousands freed from Myawaddy scam compounds"
    assert result.published == datetime(2025, 2, 21, 1, 30, tzinfo=timezone.utc)
    assert result.lang == "en"
    assert "Border Guard Force" in result.text
    # boilerplate stays out
    assert "All rights reserved" not in result.text and "Most read" not in result.text


def test_french_article_declared_language_and_meta_date():
    result = extract_page(page((HTML / "article_fr.html").read_bytes()))
    assert result.lang == "fr"
    assert result.published == datetime(2024, 11, 5, tzinfo=timezone.utc)
    assert "Amérique latine" in result.text
    assert "Mentions légales" not in result.text


FRENCH_TEXT = ("<html><head><title>Arnaques en ligne : l'enquête s'étend</title></head><body>"
               "<article><h1>Arnaques en ligne : l'enquête s'étend</h1>"
               + "<p>Les enquêteurs français ont identifié des réseaux d'escroquerie opérant depuis "
                 "le Cambodge et la Birmanie ; les victimes, âgées de 25 à 70 ans, ont perdu des "
                 "économies considérables à cause de fausses plateformes d'investissement.</p>" * 3
               + "</article></body></html>")


def test_page_declaring_latin1_but_sending_utf8_is_read_as_utf8():
    body = FRENCH_TEXT.replace("<head>", '<head><meta charset="iso-8859-1">').encode("utf-8")
    result = extract_page(page(body, ctype="text/html; charset=iso-8859-1"))
    assert "enquêteurs français" in result.text and "Ã" not in result.text


def test_page_declaring_utf8_but_sending_cp1252_is_detected():
    body = FRENCH_TEXT.replace("<head>", '<head><meta charset="utf-8">').encode("cp1252")
    result = extract_page(page(body, ctype="text/html; charset=utf-8"))
    assert "enquêteurs français" in result.text and "\ufffd" not in result.text
    assert result.lang == "fr"


def test_decode_body_believes_a_plausible_declared_charset():
    text, encoding = decode_body("Thaïlande, Viêt Nam, économies".encode("cp1252"), ["windows-1252"])
    assert text == "Thaïlande, Viêt Nam, économies" and encoding == "cp1252"


def test_malformed_html_still_gives_the_article():
    result = extract_page(page((HTML / "malformed.html").read_bytes(), ctype=None))
    assert "Poipet" in result.text and "human trafficking" in result.text
    assert result.lang == "en"


@pytest.mark.parametrize("kwargs,reason", [
    (dict(body=b"", ctype="text/html"), "empty"),
    (dict(body=b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", ctype="image/png"), "not_html"),
    (dict(body=b"%PDF-1.4\n\x00\x01binary", ctype=None), "not_html"),
    (dict(body=b"<html><body><p>Not found</p></body></html>", status=404), "http_status"),
    (dict(body=b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
          ctype="application/rss+xml"), "not_html"),
    (dict(body=b"<html><body><p>Hello.</p></body></html>"), "too_short"),
])
def test_pages_that_are_not_articles_are_rejected_with_a_reason(kwargs, reason):
    body = kwargs.pop("body")
    with pytest.raises(ExtractionError) as info:
        extract_page(page(body, **kwargs))
    assert info.value.reason == reason


def test_listing_page_is_not_an_article():
    with pytest.raises(ExtractionError) as info:
        extract_page(page((HTML / "listing.html").read_bytes()))
    assert info.value.reason in ("too_short", "no_text")


def test_plain_text_body_first_line_is_the_title():
    text = "Scam centre raided in Bavet\n" + "Cambodian police raided a compound in Bavet. " * 10
    result = extract_page(page(text.encode(), ctype="text/plain"))
    assert result.title == "Scam centre raided in Bavet"
    assert result.text.startswith("Cambodian police")


@pytest.mark.parametrize("text,declared,expected", [
    ("ตำรวจไทยช่วยเหลือชาวต่างชาติจากแก๊งคอลเซ็นเตอร์ในเมียวดี ประเทศเมียนมา", "en", "th"),
    ("缅甸妙瓦底电诈园区的中国籍人员被遣返回国，警方表示将继续打击电信网络诈骗。", None, "zh"),
    ("Polisi Indonesia memulangkan puluhan warga negara Indonesia yang menjadi korban "
     "perdagangan orang di Kamboja dan Myanmar setelah dipaksa bekerja di perusahaan penipuan "
     "daring selama berbulan-bulan.", None, "id"),
    ("Las autoridades de Camboya rescataron a decenas de jóvenes latinoamericanos obligados "
     "a trabajar en centros de estafa en línea.", "es-MX", "es"),
])
def test_language_from_script_text_or_credible_declaration(text, declared, expected):
    assert detect_language(text, declared) == expected


def test_language_tags_are_normalised():
    assert normalise_tag("en-GB") == "en" and normalise_tag("zh_Hant") == "zh"
    assert normalise_tag("in") == "id" and normalise_tag("") is None


def test_site_name_is_cut_from_the_title():
    html = ('<html><head><title>Scam compound raided in Bavet | Mekong Monitor</title>'
            '<meta property="og:site_name" content="Mekong Monitor"></head><body><article><p>'
            + "Police raided a compound in Bavet on Friday and detained dozens of workers. " * 5
            + "</p></article></body></html>")
    assert extract_page(page(html.encode())).title == "Scam compound raided in Bavet"


def test_a_short_chinese_article_is_long_enough():
    text = ("据新华社报道，中国公安部与缅甸、泰国警方开展联合行动，从妙瓦底电诈园区解救并遣返中国籍涉诈人员逾千人。"
            "部分嫌疑人通过泰国湄索机场乘坐包机返回南京。")
    html = f"<html><body><article><p>{text}</p></article></body></html>"
    assert extract_page(page(html.encode())).lang == "zh"
