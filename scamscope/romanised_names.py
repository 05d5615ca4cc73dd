"""Names compared across scripts by their romanised distinctive part: companies
("Jinsheng Technology Co., Ltd." is 金盛科技有限公司, "Phu Gia Investment JSC" is "Công ty CP
Đầu tư Phú Gia") and Chinese bodies named after a place the place tables lack ("Rui'an
Public Security Bureau" is 瑞安市公安局).

The nlp stage stores a company it has no table entry for under the name its article wrote
(Chinese, Vietnamese...), while a reader (or a labeller writing canonical names) types the
English rendering: the distinctive part romanised (pinyin for Chinese, Vietnamese without
its accents) and the kind of business in English. Both become one key: the distinctive
part's letters run together ("jinsheng", "phugia": "Jin Sheng" and "Jinsheng" alike), and
the sorted English kind words; the legal form (Co., Ltd., 有限公司, TNHH, JSC...) is left out,
since renderings swap it freely. A Chinese body's key is its place in pinyin and the
English kind the nlp stage gives it (nlp.orgs' templates). Used only by filter names
(scamscope/names.py).
"""
from __future__ import annotations

import re
from functools import lru_cache

from nlp.gazetteer import fold
from nlp.orgs import _ZH_SUFFIXES  # the English kinds the nlp stage gives 公安局, 人民法院...

# Legal forms, longest first: dropped from both sides.
_ZH_FORMS = ("股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "公司")
_EN_FORMS = frozenset("""co company companies ltd limited inc incorporated corp corporation
jsc llc plc pte pt sdn bhd joint stock the""".split())
_VI_FORMS = ("trach nhiem huu han mot thanh vien", "trach nhiem huu han", "co phan",
             "mot thanh vien", "cong ty", "tnhh", "mtv", "cp")
# Kinds of business: English word <- Chinese (both scripts) and Vietnamese (folded) words.
_KINDS = {
    "technology": ("科技", "技术", "技術", "cong nghe", "ky thuat"),
    "investment": ("投资", "投資", "dau tu"),
    "digital": ("数字", "數字", "数位", "數位", "so hoa"),
    "marketing": ("营销", "營銷", "行销", "行銷", "tiep thi"),
    "trading": ("贸易", "貿易", "商贸", "商貿", "thuong mai"),
    "network": ("网络", "網絡", "網路", "mang"),
    "information": ("信息", "資訊", "thong tin"),
    "industrial": ("实业", "實業", "cong nghiep"),
    "electronics": ("电子", "電子", "dien tu"),
    "finance": ("金融", "tai chinh"),
    "development": ("发展", "發展", "phat trien"),
    "international": ("国际", "國際", "quoc te"),
    "group": ("集团", "集團", "tap doan"),
    "holdings": ("控股",),
    "consulting": ("咨询", "諮詢", "tu van"),
    "media": ("传媒", "傳媒", "truyen thong"),
    "logistics": ("物流",),
    "payment": ("支付", "thanh toan"),
    "software": ("软件", "軟件", "軟體", "phan mem"),
    "entertainment": ("娱乐", "娛樂", "giai tri"),
    "services": ("服务", "服務", "dich vu"),
    "construction": ("建设", "建設", "xay dung"),
    "management": ("管理", "quan ly"),
    "real estate": ("房地产", "房地產", "bat dong san"),
    "solutions": (), "systems": (), "enterprises": (),
}
# English spellings of the kinds (folded, singular and plural)
_EN_KINDS = {"tech": "technology", "solution": "solutions", "system": "systems",
             "enterprise": "enterprises", "technologies": "technology", "investments": "investment",
             "trade": "trading", "networks": "network", "industries": "industrial",
             "industry": "industrial", "electronic": "electronics", "financial": "finance",
             "holding": "holdings", "consultancy": "consulting", "service": "services",
             "payments": "payment", "realty": "real estate", "property": "real estate",
             **{kind: kind for kind in _KINDS if " " not in kind}}
_ZH_KINDS = sorted(((w, k) for k, ws in _KINDS.items() for w in ws if not w.isascii()),
                   key=lambda pair: -len(pair[0]))
_VI_KINDS = sorted(((tuple(w.split()), k) for k, ws in _KINDS.items() for w in ws
                    if w.isascii()), key=lambda pair: -len(pair[0]))
_HAN = re.compile(r"[\u4e00-\u9fff]+")  # linear: one character class
_WORD = re.compile(r"[a-z0-9]+")
_MAX_DISTINCT_HAN = 8  # longer than a company's distinctive part: not a company name
_MAX_PLACE_HAN = 4  # a place's name before a body's kind (瑞安, 西双版纳)
_PLACE_MARKS = ("市", "省", "县", "縣", "区", "區")
# Chinese kind of body -> the English words after the place ("{0} Public Security Bureau"),
# longest first: 中级人民法院 before 人民法院
_ZH_BODIES = sorted(((zh, tuple(_WORD.findall(fold(t[4:]).lower())))
                     for zh, t in _ZH_SUFFIXES.items() if t.startswith("{0} ")
                     and "{1}" not in t), key=lambda pair: -len(pair[0]))
_EN_BODIES = sorted({words for _, words in _ZH_BODIES}, key=len, reverse=True)


@lru_cache(maxsize=8192)
def romanised_key(name: str) -> str | None:
    """"distinct|kind words" for a company name in English, Chinese or Vietnamese, or a
    Chinese body named after a place; None when the name reads as neither."""
    name = " ".join(str(name).split())
    if _HAN.fullmatch(name.replace(" ", "")):
        name = name.replace(" ", "")
        return _zh_body_key(name) or _zh_key(name)
    if name.startswith("บริษัท"):
        return _th_key(name)
    words = _WORD.findall(fold(name).lower().replace("đ", "d"))
    if not words:
        return None
    if words[:2] == ["cong", "ty"] or words[:2] == ["tap", "doan"]:
        return _vi_key(words)
    return _en_body_key(words) or _en_key(words)


def _zh_body_key(name: str) -> str | None:
    """瑞安市公安局 -> "ruian|public security bureau"."""
    hit = next(((zh, words) for zh, words in _ZH_BODIES if name.endswith(zh)), None)
    if hit is None:
        return None
    place = name[:-len(hit[0])]
    # every level's mark: 北京市朝阳区 is "Beijing Chaoyang (District)"
    place = "".join(ch for ch in place if ch not in _PLACE_MARKS)
    if not 1 < len(place) <= _MAX_PLACE_HAN:
        return None
    return _key(_pinyin(place), [" ".join(hit[1])])


def _en_body_key(words: list[str]) -> str | None:
    """"Rui'an Public Security Bureau" -> "ruian|public security bureau"; a city or county
    word after the place is left out, as 市 is."""
    tail = next((t for t in _EN_BODIES if len(words) > len(t) and tuple(words[-len(t):]) == t),
                None)
    if tail is None:
        return None
    place = words[:-len(tail)]
    while place and place[-1] in ("city", "county", "municipal", "district"):
        place = place[:-1]
    if not 0 < len(place) <= 3:
        return None
    return _key("".join(place), [" ".join(tail)])


def _key(distinct: str, kinds: list[str]) -> str | None:
    if not distinct:
        return None
    return distinct + "|" + " ".join(sorted(set(kinds)))


def _zh_key(name: str) -> str | None:
    form = next((f for f in _ZH_FORMS if name.endswith(f)), None)
    rest = name[:-len(form)] if form else name
    kinds: list[str] = []
    while True:  # kinds are written after the distinctive part: 金盛 科技 (有限公司)
        hit = next(((w, k) for w, k in _ZH_KINDS if rest.endswith(w) and len(rest) > len(w)),
                   None)
        if hit is None:
            break
        rest = rest[:-len(hit[0])]
        kinds.append(hit[1])
    # without a legal form, a name that ends with a kind of business (鸿发科技, 金木棉集团)
    if form is None and not kinds or len(rest) > _MAX_DISTINCT_HAN:
        return None
    rest = rest.replace("市", "").replace("省", "")  # 深圳市金盛 is "Shenzhen Jinsheng"
    return _key(_pinyin(rest), kinds)


def _pinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin  # loads its tables: only when a name needs it

    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))


def _vi_key(words: list[str]) -> str | None:
    kinds: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(words):
        form = next((f for f in _VI_FORMS if words[i:i + f.count(" ") + 1] == f.split()),
                    None)
        if form is not None:
            i += form.count(" ") + 1
            continue
        kind = next(((w, k) for w, k in _VI_KINDS if tuple(words[i:i + len(w)]) == w), None)
        if kind is not None and rest == []:  # kinds come before the distinctive part
            kinds.append(kind[1])
            i += len(kind[0])
            continue
        rest.append(words[i])
        i += 1
    return _key("".join(rest), kinds)


def _en_key(words: list[str], formed: bool = False) -> str | None:
    """The kinds are the run of kind words at the end, once the legal form is left out:
    "Siam Digital Pay Co., Ltd." has none ("digital" is part of its name), "Jinsheng
    Technology Park" is not a company's name."""
    formed = formed or any(word in _EN_FORMS for word in words)
    words = [word for word in words if word not in _EN_FORMS]
    kinds: list[str] = []
    while len(words) > 1:
        if words[-2:] == ["real", "estate"] and len(words) > 2:
            kinds.append("real estate")
            words = words[:-2]
        elif words[-1] in _EN_KINDS:
            kinds.append(_EN_KINDS[words.pop()])
        else:
            break
    if not formed and not kinds:
        return None  # "Jinsheng" alone says nothing of a company
    return _key("".join(words), kinds)


def _th_key(name: str) -> str | None:
    """บริษัท สยาม ดิจิทัล เพย์ จำกัด -> "siamdigitalpay|": a Thai company named in English
    words spelt in Thai, each word in _TH_WORDS (one unknown word: no key)."""
    words = name.replace("(มหาชน)", " ").split()
    if len(words) < 3 or words[0] != "บริษัท" or words[-1] != "จำกัด":
        return None
    english = [_TH_WORDS.get(word) for word in words[1:-1]]
    if None in english:
        return None
    return _en_key(" ".join(english).split(), formed=True)


# English words Thai company names spell in Thai script (spaced, as registered names are)
_TH_WORDS = {
    "เทคโนโลยี": "technology", "เทค": "tech", "เทรดดิ้ง": "trading", "เทรด": "trade",
    "อินเวสเม้นท์": "investment", "อินเวสเมนต์": "investment", "กรุ๊ป": "group",
    "โฮลดิ้ง": "holding", "โฮลดิ้งส์": "holdings", "ดิจิทัล": "digital", "ดิจิตอล": "digital",
    "มาร์เก็ตติ้ง": "marketing", "เซอร์วิส": "service", "เซอร์วิสเซส": "services",
    "คอนซัลติ้ง": "consulting", "มีเดีย": "media", "โลจิสติกส์": "logistics",
    "เน็ตเวิร์ค": "network", "อินเตอร์เนชั่นแนล": "international", "ไฟแนนซ์": "finance",
    "ซอฟต์แวร์": "software", "เอ็นเตอร์เทนเมนต์": "entertainment", "แมเนจเม้นท์": "management",
    "คอร์ปอเรชั่น": "corporation", "เอ็นเตอร์ไพรส์": "enterprise", "โซลูชั่น": "solution",
    "โซลูชั่นส์": "solutions", "ซิสเต็ม": "system", "ซิสเต็มส์": "systems",
    "เพย์": "pay", "เพย์เมนท์": "payment", "สมาร์ท": "smart", "โกลบอล": "global",
    "โกลเด้น": "golden", "โกลด์": "gold", "เอเชีย": "asia", "สยาม": "siam", "ไทย": "thai",
    "แปซิฟิก": "pacific", "รอยัล": "royal", "แกรนด์": "grand", "ลัคกี้": "lucky",
    "สตาร์": "star", "ซัน": "sun", "ดราก้อน": "dragon", "ไลอ้อน": "lion", "ไทเกอร์": "tiger",
    "นิว": "new", "เวิลด์": "world", "ยูไนเต็ด": "united", "ไชน่า": "china", "วัน": "one",
    "พลัส": "plus", "พาวเวอร์": "power", "เอ็กซ์เพรส": "express", "แอนด์": "and",
    "ออนไลน์": "online", "ไซเบอร์": "cyber", "คริปโต": "crypto", "แคปปิตอล": "capital",
    "เวลธ์": "wealth", "พรอพเพอร์ตี้": "property", "ดีเวลลอปเมนท์": "development",
}
