"""Titles without the site's name, dates from the page's own metadata first.

The snippets follow the markup real publishers use (CBC, Seznam Zprávy, Le Monde,
Bangkok Post, Kompas, El País): the site's name after a separator in <title>,
og:site_name, JSON-LD NewsArticle blocks, article:published_time, <time datetime>.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from nlp.extract import _clean_title, extract_html

PARAGRAPHS = {
    "en": ["Police raided a compound near the border on Friday and detained {n} workers.",
           "Officials said the site ran online investment fraud aimed at people abroad {n}."],
    "cs": ["Policie v pátek zasáhla v areálu u hranic a zadržela {n} pracovníků.",
           "Podle úřadů se tam provozovaly investiční podvody cílené na cizince {n}."],
    "fr": ["La police a perquisitionné un complexe près de la frontière et arrêté {n} personnes.",
           "Selon les autorités, le site abritait des escroqueries en ligne {n}."],
    "id": ["Polisi menggerebek sebuah kompleks di dekat perbatasan dan menahan {n} pekerja.",
           "Menurut pejabat, lokasi itu menjalankan penipuan investasi daring {n}."],
    "es": ["La policía allanó un complejo cerca de la frontera y detuvo a {n} trabajadores.",
           "Según las autoridades, el lugar operaba estafas de inversión en línea {n}."],
}


def article(lang: str, head: str) -> str:
    body = "".join(f"<p>{line.format(n=i * 7)}</p>" for i in range(1, 5)
                   for line in PARAGRAPHS[lang])
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f'<body><header><nav><a href="/">Home</a></nav></header><main><article>'
            f'{body}</article></main><footer>© Publisher</footer></body></html>')


CBC = article("en", """
<title>Scam centres raided along Thai border | CBC News</title>
<meta property="og:title" content="Scam centres raided along Thai border">
<meta property="og:site_name" content="CBC">
<script type="application/ld+json">{"@context":"http://schema.org","@type":"NewsArticle",
 "headline":"Scam centres raided along Thai border","datePublished":"2025-02-21T09:30:00.000Z",
 "dateModified":"2025-02-22T10:00:00.000Z","publisher":{"@type":"Organization","name":"CBC"}}
</script>""")

SEZNAM = article("cs", """
<title>Policie zasáhla v podvodném centru - Seznam Zprávy</title>
<meta property="og:title" content="Policie zasáhla v podvodném centru">
<meta name="date" content="2025-03-04T06:15:00+01:00">""")

LE_MONDE = article("fr", """
<title>Arnaques en ligne : le Cambodge ferme des centres — Le Monde</title>
<meta property="og:site_name" content="Le Monde.fr">
<meta property="article:published_time" content="2024-11-05T14:02:11+01:00">
<meta property="article:modified_time" content="2024-11-06T08:00:00+01:00">""")

BANGKOK_POST = article("en", """
<title>Myawaddy - Mae Sot crossing reopens after crackdown</title>
<meta property="og:title" content="Myawaddy - Mae Sot crossing reopens after crackdown">
<script type="application/ld+json">[{"@type":"BreadcrumbList","itemListElement":[]},
 {"@type":["NewsArticle"],"datePublished":"2025-01-15T11:00:00+07:00"}]</script>""")

KOMPAS = article("id", """
<title>Polisi Gerebek Markas Penipuan Daring Halaman all :: Kompas.com</title>
<meta name="content_PublishedDate" content="2025-04-01 10:00:00">
<meta name="DC.date" content="2025-04-01">""")

EL_PAIS = article("es", """
<title>EL PAÍS | Golpe a las estafas en la frontera</title>
<meta property="og:title" content="Golpe a las estafas en la frontera">""").replace(
    "<article>", '<article><time datetime="2025-05-09T05:40:00+02:00">9 may 2025</time>')


@pytest.mark.parametrize("html,url,title,published", [
    (CBC, "https://www.cbc.ca/news/world/scam-centres-1.7465", "Scam centres raided along Thai border",
     datetime(2025, 2, 21, 9, 30, tzinfo=timezone.utc)),
    (SEZNAM, "https://www.seznamzpravy.cz/clanek/zahranicni-policie-270000",
     "Policie zasáhla v podvodném centru", datetime(2025, 3, 4, 5, 15, tzinfo=timezone.utc)),
    (LE_MONDE, "https://www.lemonde.fr/international/article/2024/11/05/arnaques_6377.html",
     "Arnaques en ligne : le Cambodge ferme des centres",
     datetime(2024, 11, 5, 13, 2, 11, tzinfo=timezone.utc)),
    (BANGKOK_POST, "https://www.bangkokpost.com/thailand/general/2940000",
     "Myawaddy - Mae Sot crossing reopens after crackdown",
     datetime(2025, 1, 15, 4, 0, tzinfo=timezone.utc)),
    (KOMPAS, "https://regional.kompas.com/read/2025/04/01/polisi",
     "Polisi Gerebek Markas Penipuan Daring Halaman all", datetime(2025, 4, 1, tzinfo=timezone.utc)),
    (EL_PAIS, "https://elpais.com/internacional/2025-05-09/golpe.html",
     "Golpe a las estafas en la frontera", datetime(2025, 5, 9, 3, 40, tzinfo=timezone.utc)),
], ids=["cbc", "seznam", "le-monde", "bangkok-post", "kompas", "el-pais"])
def test_publishers_title_and_date(html, url, title, published):
    result = extract_html(html, url=url)
    assert result.title == title
    assert result.published == published


@pytest.mark.parametrize("title,kwargs,expected", [
    ("Scam centres raided | CBC News", {"url": "https://www.cbc.ca/n"}, "Scam centres raided"),
    ("Raid - Seznam Zprávy", {"url": "https://www.seznamzpravy.cz/c"}, "Raid"),
    ("Arnaques — Le Monde", {"site": "Le Monde"}, "Arnaques"),
    ("Arnaques :: Site", {"site": "Site"}, "Arnaques"),
    ("Arnaques « Site", {"site": "Site"}, "Arnaques"),
    ("Mekong Monitor | Scam compound raided", {"site": "Mekong Monitor"}, "Scam compound raided"),
    ("Raid at KK Park - Irrawaddy", {"others": ("Raid at KK Park",)}, "Raid at KK Park"),
    # a dash in the headline is not a site name
    ("Thailand - Myanmar border raid", {"url": "https://www.bangkokpost.com/x"},
     "Thailand - Myanmar border raid"),
    ("Crackdown - police free 200", {"url": "https://news.example/x", "site": "News"},
     "Crackdown - police free 200"),
    ("Scam bosses | the inside story", {}, "Scam bosses | the inside story"),
])
def test_title_loses_only_the_site_name(title, kwargs, expected):
    site = kwargs.pop("site", None)
    assert _clean_title(title, site, **kwargs) == expected


def test_jsonld_beats_a_date_guessed_from_the_text():
    html = article("en", """<title>Raid</title>
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-06-01"}</script>""")
    html = html.replace("<article>", "<article><p>Updated 12 January 2025</p>")
    assert extract_html(html, url="https://a.example/x").published == \
        datetime(2023, 6, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("block", ["{not json", "[" * 5000 + "]" * 5000, '{"datePublished": 5}',
                                   '{"@type":"NewsArticle","datePublished":"yesterday"}'])
def test_broken_jsonld_is_ignored(block):
    html = article("en", f'<title>Raid</title><meta property="article:published_time" '
                         f'content="2024-02-02T00:00:00Z"><script type="application/ld+json">'
                         f'{block}</script>')
    assert extract_html(html, url="https://a.example/x").published == \
        datetime(2024, 2, 2, tzinfo=timezone.utc)
