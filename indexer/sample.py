"""Deterministic synthetic articles for tests, demos and benchmarks.

`sample_articles(n, seed)` returns realistic-looking `Article`s about scam
centres (and some about unrelated topics) in English, French, Spanish, Chinese
and Thai, with places, organisations, people and money recognised at their
real offsets in the text, provenance, dates, relevance, and groups of
near-duplicate copies of one wire story republished by several sources.
The same (n, seed) always gives the same articles, on any machine.
"""
from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator

from nlp.identity import article_id, content_hash
from nlp.records import Article, Entities, Money, Org, Person, Place

LANGS = (("en", 50), ("fr", 15), ("es", 10), ("zh", 15), ("th", 10))

# name, domain, language
SOURCES = {
    "en": [("mekong-herald", "www.mekong-herald.example", "en"),
           ("frontier-wire", "frontier-wire.example", "en"),
           ("asia-desk", "news.asia-desk.example", "en"),
           ("border-post", "www.border-post.example", "en")],
    "fr": [("journal-asie", "www.journal-asie.example", "fr"),
           ("le-quotidien-mekong", "lequotidien-mekong.example", "fr")],
    "es": [("diario-asia", "www.diario-asia.example", "es")],
    "zh": [("huaxia-bao", "www.huaxia-bao.example", "zh"),
           ("dongnanya-ribao", "dongnanya-ribao.example", "zh")],
    "th": [("khao-chaidaen", "www.khao-chaidaen.example", "th")],
}


@dataclass(frozen=True)
class _Place:
    name: str
    country: str | None
    kind: str
    forms: dict[str, str]  # lang -> surface form; "en" is the default

    def form(self, lang: str) -> str:
        return self.forms.get(lang, self.forms["en"])


def _place(name, country, kind, **forms) -> _Place:
    return _Place(name, country, kind, {"en": name, **forms})


COUNTRIES = [
    _place("Myanmar", "MM", "country", fr="Birmanie", es="Birmania", zh="缅甸", th="เมียนมา"),
    _place("Cambodia", "KH", "country", fr="Cambodge", es="Camboya", zh="柬埔寨", th="กัมพูชา"),
    _place("Laos", "LA", "country", zh="老挝", th="ลาว"),
    _place("Thailand", "TH", "country", fr="Thaïlande", es="Tailandia", zh="泰国", th="ไทย"),
    _place("Philippines", "PH", "country", es="Filipinas", zh="菲律宾", th="ฟิลิปปินส์"),
    _place("China", "CN", "country", fr="Chine", zh="中国", th="จีน"),
    _place("Malaysia", "MY", "country", fr="Malaisie", es="Malasia", zh="马来西亚",
           th="มาเลเซีย"),
    _place("United Arab Emirates", "AE", "country", fr="Émirats arabes unis",
           es="Emiratos Árabes Unidos", zh="阿联酋", th="สหรัฐอาหรับเอมิเรตส์"),
]
HUBS = [
    _place("Myawaddy", "MM", "hub", zh="妙瓦底", th="เมียวดี"),
    _place("Shwe Kokko", "MM", "hub", zh="亚太新城", th="ชเวโก๊กโก่"),
    _place("KK Park", "MM", "hub", zh="KK园区", th="เคเคปาร์ค"),
    _place("Laukkaing", "MM", "hub", zh="老街", th="เล่าก์ก่าย"),
    _place("Sihanoukville", "KH", "city", zh="西港", th="สีหนุวิลล์"),
    _place("Phnom Penh", "KH", "city", zh="金边", th="พนมเปญ"),
    _place("Bavet", "KH", "city", zh="巴域", th="บาเว็ต"),
    _place("Golden Triangle SEZ", "LA", "hub", fr="ZES du Triangle d'or",
           es="ZEE del Triángulo de Oro", zh="金三角经济特区", th="เขตเศรษฐกิจพิเศษสามเหลี่ยมทองคำ"),
    _place("Mae Sot", "TH", "city", zh="湄索", th="แม่สอด"),
    _place("Bangkok", "TH", "city", zh="曼谷", th="กรุงเทพฯ"),
    _place("Pasay", "PH", "city", zh="帕赛", th="ปาไซ"),
    _place("Bamban", "PH", "city", zh="班班", th="บัมบัน"),
    _place("Dubai", "AE", "city", fr="Dubaï", es="Dubái", zh="迪拜", th="ดูไบ"),
]
REGIONS = [_place("Southeast Asia", None, "region", fr="Asie du Sud-Est",
                  es="Sudeste Asiático", zh="东南亚", th="เอเชียตะวันออกเฉียงใต้")]
ORGS = [
    ("Interpol", {}), ("UNODC", {"fr": "ONUDC", "es": "UNODC", "zh": "联合国毒罪办"}),
    ("FBI", {"zh": "联邦调查局"}),
    ("US Treasury", {"fr": "Trésor américain", "es": "Tesoro de EE. UU.", "zh": "美国财政部",
                     "th": "กระทรวงการคลังสหรัฐ"}),
    ("Prince Group", {"zh": "太子集团", "th": "กลุ่มปรินซ์"}),
    ("Huione Group", {"zh": "汇旺集团", "th": "กลุ่มฮุยวัน"}),
    ("Royal Thai Police", {"fr": "police royale thaïlandaise", "es": "Policía Real Tailandesa",
                           "zh": "泰国皇家警察", "th": "สำนักงานตำรวจแห่งชาติ"}),
    ("Karen Border Guard Force", {"fr": "Force des gardes-frontières karens",
                                  "zh": "克伦边防军", "th": "กองกำลังพิทักษ์ชายแดนกะเหรี่ยง"}),
    ("Amnesty International", {"zh": "国际特赦组织", "th": "องค์การนิรโทษกรรมสากล"}),
    ("International Justice Mission", {"zh": "国际正义使命", "th": "องค์กรไอเจเอ็ม"}),
    ("Ministry of Public Security", {"fr": "ministère chinois de la Sécurité publique",
                                     "es": "Ministerio de Seguridad Pública", "zh": "公安部",
                                     "th": "กระทรวงความมั่นคงสาธารณะจีน"}),
    ("ASEAN", {"fr": "ASEAN", "zh": "东盟", "th": "อาเซียน"}),
]
_SYLLABLES = ("an chen dao fei hao jun kai lin mei ning pei qiang rui song tao wei xin yang "
              "zhi aung kyaw min naing soe thein win zaw som chai niran pong sak").split()
_SURNAMES = ("Zhang Wang Li Chen Liu Huang She Zhao Saw Tun Khin Srisuk Nguyen Santos Reyes "
             "Dupont Garcia Martin Lopez Kim Sok Chea").split()
_USD = {"USD": 1.0, "THB": 0.028, "CNY": 0.14, "USDT": 1.0, "EUR": 1.08}

# Sentences: {hub} {country} {org} {money} {person} {n} are filled in with
# entities; each language has scam-centre sentences and off-topic ones.
_SCAM = {
    "en": [
        "Police raided a scam compound in {hub}, {country}, freeing {n} workers held against their will.",
        "Survivors said they were lured by fake job offers and forced to run online fraud schemes from {hub}.",
        "The {org} estimates the networks moved {money} through cryptocurrency wallets last year.",
        "{person}, who escaped in March, described beatings for missing daily targets in the scam centre.",
        "Investigators from the {org} linked the compound to a wider human trafficking ring operating across {country}.",
        "Authorities froze {money} in assets tied to the operators of the centre near {hub}.",
        "Many victims were trafficked through {hub} before being sold between compounds.",
        "Pig-butchering scams target people worldwide with romance and investment lures.",
        "The {org} said {n} foreign nationals had been repatriated from {country} this month.",
        "Fraud bosses relocated to {hub} after a crackdown, according to {person}.",
        "Researchers warn that the scam industry in {country} is worth {money} a year.",
        "Sanctions announced by the {org} target companies accused of running the compounds.",
    ],
    "fr": [
        "La police a démantelé un centre d'arnaque à {hub}, en {country}, libérant {n} personnes séquestrées.",
        "Les victimes disent avoir été attirées par de fausses offres d'emploi puis forcées à escroquer en ligne.",
        "Selon l'{org}, les réseaux ont blanchi {money} en cryptomonnaies l'an dernier.",
        "{person} raconte avoir été battu faute d'atteindre les objectifs de fraude quotidiens.",
        "Les enquêteurs relient ce complexe de {hub} à un vaste réseau de traite d'êtres humains.",
        "Les autorités ont saisi {money} d'actifs liés aux exploitants du centre de {hub}.",
        "Le {org} affirme que {n} ressortissants étrangers ont été rapatriés de {country}.",
        "Ces escroqueries sentimentales et financières visent des victimes dans le monde entier.",
    ],
    "es": [
        "La policía desmanteló un centro de estafas en {hub}, {country}, y liberó a {n} trabajadores retenidos.",
        "Las víctimas fueron engañadas con falsas ofertas de empleo y obligadas a cometer fraudes en línea.",
        "Según la {org}, las redes movieron {money} en criptomonedas el año pasado.",
        "{person} relató palizas por no cumplir los objetivos diarios de fraude.",
        "Los investigadores vinculan el complejo de {hub} con una red de trata de personas en {country}.",
        "Las autoridades congelaron {money} en activos de los operadores del centro.",
        "La {org} informó que {n} extranjeros fueron repatriados desde {country} este mes.",
    ],
    "zh": [
        "警方突袭了{country}{hub}的一处诈骗园区，解救了{n}名被强迫劳动的人员。",
        "幸存者说，他们被虚假的高薪招聘骗到{hub}，被迫从事电信诈骗。",
        "{org}估计，这些诈骗集团去年通过加密货币转移了{money}。",
        "{person}说，没有完成每天的诈骗业绩就会遭到殴打。",
        "调查人员认为，该园区与{country}境内的人口贩卖网络有关。",
        "当局冻结了与{hub}诈骗园区经营者有关的{money}资产。",
        "{org}表示，本月已有{n}名外国人从{country}被遣返。",
        "杀猪盘诈骗以恋爱和投资为诱饵，受害者遍及全球。",
    ],
    "th": [
        "ตำรวจบุกค้นแหล่งแก๊งคอลเซ็นเตอร์ที่{hub} {country} ช่วยเหลือแรงงาน {n} คน",
        "ผู้รอดชีวิตเล่าว่าถูกหลอกด้วยประกาศรับสมัครงานปลอมก่อนถูกบังคับให้หลอกลวงออนไลน์",
        "{org}ประเมินว่าเครือข่ายนี้โอนเงิน {money} ผ่านคริปโตเมื่อปีที่แล้ว",
        "{person}เล่าว่าถูกทำร้ายเมื่อทำยอดหลอกลวงไม่ถึงเป้า",
        "เจ้าหน้าที่อายัดทรัพย์สินมูลค่า {money} ที่เชื่อมโยงกับผู้ดำเนินการที่{hub}",
        "{org}ระบุว่ามีชาวต่างชาติ {n} คนถูกส่งกลับจาก{country}ในเดือนนี้",
    ],
}
_OTHER = {
    "en": [
        "Heavy rain flooded several districts of {hub} on Tuesday, disrupting traffic.",
        "The national football team beat its rivals 2-1 in a friendly match.",
        "Rice exports from {country} rose for the third month in a row.",
        "A new bridge across the river is expected to open next year.",
        "The central bank kept interest rates unchanged, citing stable inflation.",
        "Tourist arrivals in {hub} climbed to {n} thousand during the festival week.",
    ],
    "fr": [
        "De fortes pluies ont inondé plusieurs quartiers de {hub} mardi.",
        "Les exportations de riz de {country} ont augmenté pour le troisième mois consécutif.",
        "La banque centrale a maintenu ses taux directeurs inchangés.",
    ],
    "es": [
        "Fuertes lluvias inundaron varios barrios de {hub} el martes.",
        "Las exportaciones de arroz de {country} crecieron por tercer mes consecutivo.",
        "El banco central mantuvo sin cambios los tipos de interés.",
    ],
    "zh": ["{hub}周二遭遇暴雨，多个街区被淹。", "{country}的大米出口连续第三个月增长。",
           "央行维持利率不变。"],
    "th": ["ฝนตกหนักทำให้หลายพื้นที่ใน{hub}น้ำท่วมเมื่อวันอังคาร",
           "การส่งออกข้าวของ{country}เพิ่มขึ้นเป็นเดือนที่สาม"],
}
_TITLES_SCAM = {
    "en": ["Scam centre raided in {hub}", "{n} freed from fraud compound in {country}",
           "Inside the scam compounds of {hub}", "{org} sanctions scam network",
           "Trafficking victims rescued near {hub}"],
    "fr": ["Un centre d'arnaque démantelé à {hub}", "{n} victimes libérées en {country}",
           "Enquête sur les centres de fraude de {hub}"],
    "es": ["Desmantelan un centro de estafas en {hub}", "Liberan a {n} víctimas en {country}"],
    "zh": ["{hub}诈骗园区遭突袭", "{country}解救{n}名诈骗受害者", "{org}制裁诈骗集团"],
    "th": ["บุกทลายแก๊งคอลเซ็นเตอร์ที่{hub}", "ช่วยเหยื่อ {n} คนจาก{country}"],
}
_TITLES_OTHER = {
    "en": ["Floods hit {hub}", "Rice exports rise in {country}", "Central bank holds rates"],
    "fr": ["Inondations à {hub}", "Hausse des exportations de riz"],
    "es": ["Inundaciones en {hub}", "Suben las exportaciones de arroz"],
    "zh": ["{hub}遭遇暴雨", "大米出口增长"],
    "th": ["น้ำท่วม{hub}", "ส่งออกข้าวเพิ่มขึ้น"],
}
_SEP = {"en": " ", "fr": " ", "es": " ", "zh": "", "th": " "}
_START = datetime(2023, 1, 1, tzinfo=timezone.utc)
_SPAN_DAYS = 900


def sample_articles(n: int, seed: int = 0) -> list[Article]:
    """n deterministic synthetic articles (about 15% of them off-topic)."""
    return list(iter_sample_articles(n, seed))


def iter_sample_articles(n: int, seed: int = 0) -> Iterator[Article]:
    """The same articles as sample_articles(n, seed), one at a time (a million fit)."""
    rng = random.Random(seed)
    originals: deque[Article] = deque(maxlen=200)  # copies are of recent stories
    for i in range(n):
        if originals and rng.random() < 0.12:
            yield _republish(rng, rng.choice(originals), i)
            continue
        article = _article(rng, i)
        yield article
        if article.relevance > 0.5:
            originals.append(article)


class _Builder:
    """Appends text pieces and records the entities at their offsets."""

    def __init__(self, rng: random.Random, lang: str, focus: _Place):
        self.rng, self.lang = rng, lang
        self.focus = focus  # the hub the article is mostly about
        self.parts: list[str] = []
        self.length = 0
        self.entities = Entities()

    def add(self, piece: str) -> None:
        self.parts.append(piece)
        self.length += len(piece)

    def fill(self, template: str, record: bool = True) -> None:
        rng, lang = self.rng, self.lang
        pos = 0
        while True:
            start = template.find("{", pos)
            if start < 0:
                self.add(template[pos:])
                return
            self.add(template[pos:start])
            end = template.index("}", start)
            slot = template[start + 1:end]
            pos = end + 1
            offset = self.length
            if slot in ("hub", "country"):
                place = self._place(slot)
                text = place.form(lang)
                if record:
                    self.entities.places.append(Place(
                        text, place.name, place.country, offset, offset + len(text), place.kind))
            elif slot == "org":
                name, forms = rng.choice(ORGS)
                text = forms.get(lang, name)
                if record:
                    self.entities.orgs.append(Org(text, name, offset, offset + len(text)))
            elif slot == "person":
                text = _person(rng)
                if record:
                    self.entities.people.append(Person(text, text, offset, offset + len(text)))
            elif slot == "money":
                text, money = _money(rng, lang)
                if record:
                    money.start, money.end = offset, offset + len(text)
                    self.entities.money.append(money)
            elif slot == "n":
                text = str(rng.choice((12, 40, 57, 130, 260, 400, 1200, 2700)))
            else:  # pragma: no cover - a typo in a template
                raise KeyError(slot)
            self.add(text)

    def text(self) -> str:
        return "".join(self.parts)

    def _place(self, slot: str) -> _Place:
        rng = self.rng
        if slot == "hub":
            return self.focus if rng.random() < 0.7 else rng.choice(HUBS)
        if rng.random() < 0.8:
            return next(c for c in COUNTRIES if c.country == self.focus.country)
        return rng.choice(COUNTRIES + REGIONS)


def _article(rng: random.Random, i: int) -> Article:
    lang = _weighted(rng, LANGS)
    on_topic = rng.random() < 0.85
    source, domain, _ = rng.choice(SOURCES[lang])
    focus = rng.choice(HUBS)
    title_b = _Builder(rng, lang, focus)
    title_b.fill(rng.choice((_TITLES_SCAM if on_topic else _TITLES_OTHER)[lang]), record=False)
    body = _Builder(rng, lang, focus)
    pool = (_SCAM if on_topic else _OTHER)[lang]
    order = rng.sample(pool, len(pool))  # each sentence once before any repeats
    k = 0
    for p in range(rng.randint(3, 6)):
        if p:
            body.add("\n\n")
        for s in range(rng.randint(2, 4)):
            if s:
                body.add(_SEP[lang])
            body.fill(order[k % len(order)])
            k += 1
    text = body.text()
    title = title_b.text()
    published: datetime | None = _START + timedelta(
        days=rng.randrange(_SPAN_DAYS), seconds=rng.randrange(86_400))
    fetched = published + timedelta(hours=rng.randint(1, 72))  # type: ignore[operator]
    if rng.random() < 0.08:
        published = None
    url = f"https://{domain}/{fetched:%Y/%m}/{_slug(title, i)}"
    relevance = round(rng.uniform(0.55, 0.99) if on_topic else rng.uniform(0.0, 0.2), 3)
    aid = article_id(url)
    return Article(
        id=aid, url=url, title=title, text=text, lang=lang, published=published, source=source,
        fetched_url=url + "?utm_source=feed", final_url=url, fetched_at=fetched, status=200,
        content_hash=content_hash(text), story_id="s" + aid[:12],
        entities=body.entities, relevance=relevance)


def _republish(rng: random.Random, original: Article, i: int) -> Article:
    """A copy of a wire story on another site: same story_id, text near-identical."""
    lang = original.lang or "en"
    others = [s for s in SOURCES[lang] if s[0] != original.source] or SOURCES[lang]
    source, domain, _ = rng.choice(others)
    text = original.text
    if rng.random() < 0.6:  # a credit line appended: near-duplicate, new content hash
        text = text + "\n\n" + {"zh": "（本报综合报道）", "th": "(สำนักข่าวรายงาน)"}.get(
            lang, f"({source} with agencies)")
    fetched = original.fetched_at + timedelta(hours=rng.randint(1, 30))
    url = f"https://{domain}/{fetched:%Y/%m}/{_slug(original.title, i)}"
    return Article(
        id=article_id(url), url=url, title=original.title, text=text, lang=original.lang,
        published=original.published, source=source, fetched_url=url, final_url=url,
        fetched_at=fetched, status=200, content_hash=content_hash(text),
        story_id=original.story_id,
        entities=Entities.from_json(original.entities.to_json()),
        relevance=original.relevance)


def _money(rng: random.Random, lang: str) -> tuple[str, Money]:
    currency = rng.choice(("USD", "USD", "USD", "THB", "CNY", "USDT"))
    millions = rng.choice((1.5, 3, 12, 25, 48, 150, 300, 1200))
    amount = millions * 1_000_000
    approx = millions >= 1000 and rng.random() < 0.5
    unit = {"USD": ("$", "dollars", "dólares", "美元", "ดอลลาร์"),
            "USDT": ("USDT ", "USDT", "USDT", "泰达币", "USDT"),
            "THB": ("฿", "bahts", "bahts", "泰铢", "บาท"),
            "CNY": ("¥", "yuans", "yuanes", "元", "หยวน")}[currency]
    shown = f"{millions:g}"
    if lang == "en":
        text = "billions of dollars" if approx and currency == "USD" else \
            f"{unit[0]}{shown} million"
        if approx and currency == "USD":
            amount = 1e9
    elif lang == "fr":
        text = f"{shown.replace('.', ',')} millions de {unit[1]}"
    elif lang == "es":
        text = f"{shown.replace('.', ',')} millones de {unit[2]}"
    elif lang == "zh":
        text = f"{millions * 100:g}万{unit[3]}"
    else:
        text = f"{shown} ล้าน{unit[4]}"
    usd = round(amount * _USD[currency], 2)
    return text, Money(text, amount, currency, usd, approx=approx and lang == "en")


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 2))).capitalize()
    return f"{rng.choice(_SURNAMES)} {given}"


def _weighted(rng: random.Random, choices) -> str:
    total = sum(w for _, w in choices)
    pick = rng.uniform(0, total)
    for value, weight in choices:
        pick -= weight
        if pick <= 0:
            return value
    return choices[-1][0]


def _slug(title: str, i: int) -> str:
    ascii_words = "-".join(w.lower() for w in title.split() if w.isascii() and w.isalnum())[:60]
    return f"{ascii_words or 'article'}-{i}"
