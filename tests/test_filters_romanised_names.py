"""A reader types a company's English name ("Jinsheng Technology Co., Ltd.", "Phu Gia
Investment JSC"), or a Chinese body named after a place no table knows ("Rui'an Public
Security Bureau"), or a body reworded ("Dept.", "Royal Malaysian Police", "People's Court
of Ho Chi Minh City"), and finds the article that wrote it in Chinese or Vietnamese (金盛科技有限公司,
"Công ty CP Đầu tư Phú Gia"), on every backend, and only that article: a company with the
same distinctive name and another kind of business (金盛物流有限公司) stays out. The comma of
"Co., Ltd." does not split the name into two filters. The nlp stage stores such a company
under the name its article wrote. Also: 抖音 is Douyin, not TikTok."""
from __future__ import annotations

import pytest

from nlp.entities import EntityExtractor
from nlp.records import Article, Entities, Org
from scamscope.romanised_names import romanised_key as company_key
from scamscope.filters import query_from_mapping
from scamscope.names import UnknownName, index_bound
from tests.fixtures.index import backend_with_cli, story


def article(n: int, text: str, orgs: list, lang: str) -> Article:
    """orgs: names as written, stored as the canonical name too (no table knows them), or
    (surface, canonical) pairs."""
    orgs = [o if isinstance(o, tuple) else (o, o) for o in orgs]
    return story(n, text, Entities(orgs=[Org(text=t, name=c) for t, c in orgs]),
                 section="companies", lang=lang)


CORPUS = {
    "jinsheng": article(1, "警方查明，金盛科技有限公司为诈骗集团洗钱。", ["金盛科技有限公司"], "zh"),
    "jinsheng logistics": article(
        2, "金盛物流有限公司否认参与诈骗。", ["金盛物流有限公司"], "zh"),
    "hongda": article(3, "檢方指出，宏達數位行銷有限公司為人頭帳戶。", ["宏達數位行銷有限公司"], "zh"),
    "anh duong": article(4, "Công ty TNHH Công nghệ Ánh Dương bị điều tra.",
                         ["Công ty TNHH Công nghệ Ánh Dương"], "vi"),
    "phu gia": article(5, "Công ty CP Đầu tư Phú Gia tuyển lao động sang Campuchia.",
                       ["Công ty CP Đầu tư Phú Gia"], "vi"),
    "hongfa": article(7, "鸿发科技的账户被冻结。", ["鸿发科技"], "zh"),
    "ruian": article(8, "瑞安市公安局通报了案情。", ["瑞安市公安局"], "zh"),
    "pdrm": article(9, "Polis Diraja Malaysia menahan 12 orang.",
                    [("Polis Diraja Malaysia", "Royal Malaysia Police")], "ms"),
    "hcm court": article(10, "Tòa án nhân dân TP.HCM xét xử vụ án.",
                         [("Tòa án nhân dân TP.HCM", "Ho Chi Minh City People's Court")], "vi"),
    "dsi": article(11, "The DSI raided the call centre.",
                   [("DSI", "Thai Department of Special Investigation")], "en"),
    "golden asia": article(12, "บริษัท โกลเด้น เอเชีย เทรดดิ้ง จำกัด ถูกตรวจค้น",
                           ["บริษัท โกลเด้น เอเชีย เทรดดิ้ง จำกัด"], "th"),
    "siam orbit": article(6, "Siam Orbit Co., Ltd. sold the satellite dishes.",
                          ["Siam Orbit Co., Ltd."], "en"),
}


@pytest.fixture(params=["sqlite", "tantivy", "elastic"])
def companies_backend(request, tmp_path):
    """(index, global CLI options, environment) of each backend, holding CORPUS."""
    index, options, env = backend_with_cli(request, tmp_path, request.param,
                                           list(CORPUS.values()), "companies")
    yield index, options, env
    if request.param != "elastic":
        index.close()


def found(index, name: str) -> set[str]:
    """The CORPUS keys of the articles `search --org <name>` returns."""
    query = query_from_mapping({"org": [name]}, limit=50, names=index_bound(index))
    hits = {h.id for h in index.search(query).hits}
    return {key for key, a in CORPUS.items() if a.id in hits}


@pytest.mark.parametrize("typed, expected", [
    ("Jinsheng Technology Co., Ltd.", {"jinsheng"}),
    ("Jin Sheng Technology Company", {"jinsheng"}),
    ("Jinsheng Logistics Limited", {"jinsheng logistics"}),
    ("Hongda Digital Marketing Co., Ltd.", {"hongda"}),
    ("Anh Duong Technology Co., Ltd.", {"anh duong"}),
    ("Phu Gia Investment JSC", {"phu gia"}),
    ("Phu Gia Investment Joint Stock Company", {"phu gia"}),
    ("Siam Orbit Company Limited", {"siam orbit"}),
    ("Siam Orbit Co., Ltd.", {"siam orbit"}),
    # a Thai company named in English words spelt in Thai
    ("Golden Asia Trading Co., Ltd.", {"golden asia"}),
    ("Golden Asia Trading Company Limited", {"golden asia"}),
    # without its legal form; a body named after a place no table knows
    ("Hongfa Technology", {"hongfa"}),
    ("Rui'an Public Security Bureau", {"ruian"}),
    ("Ruian City Public Security Bureau", {"ruian"}),
    # reworded: abbreviations, a demonym for the country, the place after the body
    ("Dept. of Special Investigation", {"dsi"}),
    ("Royal Malaysian Police", {"pdrm"}),
    ("HCMC People's Court", {"hcm court"}),
    ("People's Court of Ho Chi Minh City", {"hcm court"}),
    # the other way round: the local name finds the article that wrote the English one
    ("金盛科技有限公司", {"jinsheng"}),
])
def test_a_reader_types_a_company_in_english_and_finds_exactly_its_article(
        companies_backend, typed, expected):
    index, _, _ = companies_backend
    assert found(index, typed) == expected


@pytest.mark.parametrize("typed", [
    "Jinsheng Investment Co., Ltd.",  # the same distinctive name, another business
    "Jinsheng Technology Park",  # not a company's name
    "Hongda Co., Ltd.",  # its kinds left out: another company may be just "Hongda"
    "Rui'an Intermediate People's Court",  # another body of the same place
    "People's Court of Atlantis",
    "Golden Asia Investment Co., Ltd.",
    "Dept. of Fisheries",
])
def test_another_company_is_refused(companies_backend, typed):
    index, _, _ = companies_backend
    with pytest.raises(UnknownName):
        found(index, typed)


def test_cli_finds_the_chinese_company_by_its_english_name_as_one_filter(companies_backend,
                                                                         cli):
    index, options, env = companies_backend
    result = cli("search", "--org", "Jinsheng Technology Co., Ltd.", "--json",
                 global_args=options, env=env)
    assert result.code == 0, result.err
    assert [h["id"] for h in result.json()["hits"]] == [CORPUS["jinsheng"].id]
    refused = cli("search", "--org", "Jinsheng Investment Co., Ltd.", global_args=options,
                  env=env)
    assert refused.code == 2
    [line] = refused.err.strip().splitlines()
    assert "Jinsheng Investment Co., Ltd." in line and "not a known organisation" in line


def test_company_keys_leave_the_legal_form_out_and_other_names_alone():
    assert company_key("深圳市金盛科技股份有限公司") == company_key("Shenzhen Jinsheng Technology")
    assert company_key("金木棉集团") == company_key("Jinmumian Group")
    for name in ("Bangkok Bank", "International Justice Mission", "公安部", "中国人民银行",
                 "Ministry of Public Security", "Technology"):
        assert company_key(name) is None, name


def test_douyin_is_not_tiktok():
    orgs = {o.name for o in EntityExtractor().extract(
        "诈骗分子在抖音上发布招聘广告，随后转到TikTok联系。", "zh", None).orgs}
    assert "Douyin" in orgs
