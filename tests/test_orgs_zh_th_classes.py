"""Classes of organisation misses in Chinese and Thai found on a fresh dev batch
(tests/data/dev6), fixed by structure: abbreviations written with dots or made of the
long form's characters, acronym long forms that start after a verb, a known body with
its unit, its kind word or its country, armies, associations and branches by their
suffix, police offices named by a place, numbered units; and descriptions that are
not names (a fraud ring, a casino company, organised crime)."""
from __future__ import annotations

from tests.fixtures.nlp import org_pairs as _orgs, org_texts as _texts


def test_thai_abbreviations_written_with_dots_are_found_without_a_definition(extractor):
    orgs = _orgs(extractor, "เจ้าหน้าที่ บช.สอท. ประสาน กสทช. และ ป.ป.ส. ตรวจสอบ", "th", "TH")
    names = {name for _, name in orgs}
    assert {"Cyber Crime Investigation Bureau", "NBTC", "ONCB"} <= names


def test_chinese_acronym_long_forms_start_after_the_verb_at_a_known_name(extractor):
    text = ("家属呼吁政府與國際移民組織（IOM）合作。"
            "美国财政部外国资产控制办公室（OFAC）宣布制裁。这些人员此前被缅甸边防军（BGF）控制。")
    orgs = _orgs(extractor, text, "zh", "CN")
    assert ("國際移民組織", "International Organization for Migration") in orgs
    assert ("外国资产控制办公室", "OFAC") in orgs and ("美国财政部", "US Treasury") in orgs
    assert ("缅甸边防军", "Border Guard Force") in orgs
    assert not any(t.startswith(("政府", "这些", "此前")) for t, _ in orgs)


def test_chinese_abbreviations_made_of_the_long_forms_characters(extractor):
    text = "亚洲反诈骗合作联盟（亚反盟）今天成立。亚反盟秘书长表示将共享情报。"
    orgs = _orgs(extractor, text, "zh", "CN")
    assert ("亚洲反诈骗合作联盟", "亚洲反诈骗合作联盟") in orgs
    assert ("亚反盟", "亚洲反诈骗合作联盟") in orgs
    # a bracketed word that is not made of the name's characters defines nothing
    assert "果敢" not in _texts(extractor, "缅甸民族民主同盟军（果敢）发表声明。", "zh", "CN")


def test_thai_long_form_takes_the_second_of_two_bodies_of_one_kind(extractor):
    text = ("มูลนิธิรักษ์เด็กและมูลนิธิเพื่อการพัฒนาชุมชน (FCD) ลงพื้นที่ "
            "ส่วนสำนักงานคณะกรรมการกำกับหลักทรัพย์และตลาดหลักทรัพย์ (ก.ล.ต.) เตือนนักลงทุน")
    texts = _texts(extractor, text, "th", "TH")
    assert "มูลนิธิเพื่อการพัฒนาชุมชน" in texts
    assert "สำนักงานคณะกรรมการกำกับหลักทรัพย์และตลาดหลักทรัพย์" in texts


def test_a_known_chinese_body_with_its_unit_is_one_name_but_a_bureaus_division_is_apart(
        extractor):
    text = ("联合国难民署和中国工商银行云南分行表示关注。柬埔寨国家警察总署发布通报。"
            "法務部調查局洗錢防制處與外交部領事事務局也說明。")
    orgs = _orgs(extractor, text, "zh", "CN")
    texts = {t for t, _ in orgs}
    assert {"联合国难民署", "中国工商银行云南分行", "外交部領事事務局"} <= texts
    assert ("柬埔寨国家警察总署", "Cambodian National Police") in orgs
    assert "法務部調查局洗錢防制處" not in texts and "洗錢防制處" in texts


def test_a_country_before_a_known_chinese_name_is_part_of_it_where_a_word_starts(extractor):
    text = "据美国联邦调查局通报，武吉阿曼商业罪案调查局与肯尼亚外交部已介入。"
    orgs = _orgs(extractor, text, "zh", "MY")
    assert ("美国联邦调查局", "FBI") in orgs
    assert not any(t.startswith("阿曼") for t, _ in orgs)  # Bukit Aman is not Oman
    assert ("肯尼亚外交部", "Ministry of Foreign Affairs of Kenya") in orgs


def test_thai_known_names_take_their_kind_word_and_their_country(extractor):
    text = ("กลุ่มคิงส์โรมันส์ถูกคว่ำบาตร ขณะที่ตำรวจแห่งชาติลาวและกระทรวงการต่างประเทศลาว "
            "ร่วมกับองค์การสหประชาชาติ")
    orgs = _orgs(extractor, text, "th", "TH")
    assert ("กลุ่มคิงส์โรมันส์", "Kings Romans Group") in orgs
    assert ("กระทรวงการต่างประเทศลาว", "Ministry of Foreign Affairs") in orgs
    assert ("องค์การสหประชาชาติ", "United Nations") in orgs
    police = [name for text_, name in orgs if text_ == "ตำรวจแห่งชาติลาว"]
    assert police and police[0] != "Royal Thai Police"
    assert "ลาว" not in {p.text for p in extractor.extract(text, "th", "TH").places}


def test_chinese_armies_regions_associations_and_branches_by_their_suffix(extractor):
    text = ("克钦独立军与泰国第二军区均有通报。马华公会和台湾人权促进会呼吁关注，"
            "特区管委会与老挝国家广播电台证实。新加坡警察部队也发出警告。")
    texts = _texts(extractor, text, "zh", "CN")
    assert {"克钦独立军", "泰国第二军区", "马华公会", "台湾人权促进会", "特区管委会",
            "老挝国家广播电台", "新加坡警察部队"} <= texts


def test_descriptions_of_fraud_rings_and_organised_crime_are_not_names(extractor):
    text = ("警方聯手瓦解一個替柬埔寨詐騙集團提款的車手集團，並捣毁一个跨国集团。"
            "高雄地檢署昨依組織犯罪條例起訴，另有人在边境组织偷渡。")
    texts = _texts(extractor, text, "zh", "TW")
    assert "高雄地檢署" in texts
    assert not any(t.endswith(("集團", "集团", "組織", "组织")) for t in texts), texts


def test_thai_indefinite_descriptions_ordinal_units_and_joined_bodies(extractor):
    text = ("ผู้เสียหายถูกหลอกไปทำงานกับบริษัทคาสิโนแห่งหนึ่ง กรมทหารพรานที่ 14 รายงานการปะทะ "
            "ระหว่างกองทัพเมียนมากับกองพลน้อยที่ 5 ขณะที่คณะกรรมการธุรกรรมมีมติยึดทรัพย์ "
            "และศาลจังหวัดตากออกหมายจับ")
    texts = _texts(extractor, text, "th", "TH")
    assert not any(t.startswith("บริษัทคาสิโน") for t in texts)
    assert "กรมทหารพรานที่ 14" in texts
    assert "กองทัพเมียนมา" in texts
    assert "คณะกรรมการธุรกรรม" in texts and "ศาลจังหวัดตาก" in texts


def test_thai_police_offices_named_by_a_place_and_numbered_divisions(extractor):
    text = ("ผกก.สภ.แม่สอด ร่วมกับ ตม.จังหวัดตาก และ ภ.จว.ตาก "
            "ส่งตัวให้กองบังคับการตำรวจตรวจคนเข้าเมือง 6 ดำเนินการ")
    orgs = _orgs(extractor, text, "th", "TH")
    assert ("สภ.แม่สอด", "Mae Sot Police Station") in orgs
    assert ("ตม.จังหวัดตาก", "Tak Immigration Office") in orgs
    assert ("ภ.จว.ตาก", "Tak Provincial Police") in orgs
    assert ("กองบังคับการตำรวจตรวจคนเข้าเมือง 6", "Immigration Division 6") in orgs


def test_names_with_digits_short_thai_embassies_and_a_company_not_its_brand(extractor):
    assert ("香港01", "HK01") in _orgs(extractor, "【香港01報道】入境處表示", "zh", "HK")
    assert ("สถานทูตจีน ประจำประเทศไทย", "Embassy of China in Thailand") in _orgs(
        extractor, "สถานทูตจีน ประจำประเทศไทย เตือนพลเมือง", "th", "TH")
    orgs = _orgs(extractor, "บริษัท ทรู คอร์ปอเรชั่น จำกัด (มหาชน) ระงับซิม", "th", "TH")
    assert {name for _, name in orgs} == {"True Corporation"}


def test_names_stop_at_the_verbs_of_these_stories_and_generic_exchanges_are_not_names(
        extractor):
    text = "嫌疑人分两批乘坐中国东方航空公司包机抵达。资金经由虚拟货币交易所转出，省反诈中心已拦截。"
    texts = _texts(extractor, text, "zh", "CN")
    assert "中国东方航空公司" in texts and "省反诈中心" in texts
    assert not any(t.startswith(("嫌疑人", "虚拟货币")) for t in texts), texts
    orgs = _orgs(extractor, "ผู้ต้องหาถูกส่งพนักงานสอบสวน สภ.เมืองตาก ดำเนินคดี", "th", "TH")
    assert ("สภ.เมืองตาก", "Mueang Tak Police Station") in orgs


def test_chinese_police_border_and_anti_fraud_units_named_by_their_place(extractor):
    text = "澳门司法警察局、温州市反诈中心与瑞丽出入境边防检查站联合行动。"
    orgs = _orgs(extractor, text, "zh", "CN")
    assert ("澳门司法警察局", "Macau Judiciary Police") in orgs
    assert ("温州市反诈中心", "Wenzhou Anti-Fraud Center") in orgs
    assert ("瑞丽出入境边防检查站", "Ruili Exit-Entry Border Inspection Station") in orgs


def test_a_conjunction_joins_two_words_of_one_name_but_not_two_bodies(extractor):
    text = ("马华公会公共服务及投诉部主任表示，立法院司法及法制委員會昨天開會。"
            "招商银行和工商银行，中国移动和中国电信集团均配合调查。")
    texts = _texts(extractor, text, "zh", "CN")
    assert {"马华公会", "公共服务及投诉部", "司法及法制委員會"} <= texts
    assert not any(("和" in t) for t in texts), texts


def test_newspapers_in_title_marks_are_organisations_and_laws_are_not(extractor):
    text = "据《金边邮报》和《柬中时报》报道，《反电信网络诈骗法》已实施。"
    orgs = _orgs(extractor, text, "zh", "KH")
    assert ("金边邮报", "Phnom Penh Post") in orgs
    assert "柬中时报" in {t for t, _ in orgs}
    assert not any(t.endswith("法") for t, _ in orgs)


def test_thai_names_stop_at_common_verbs_and_illegal_firms_are_descriptions(extractor):
    text = ("มหาวิทยาลัยราชภัฏกำแพงเพชรจัดอบรมให้ความรู้ ขณะที่กรมการจัดหางานตรวจสอบ"
            "บริษัทจัดหางานเถื่อนที่ส่งคนไปทำงานต่างประเทศ และธนาคารแห่งประเทศไทยขอความร่วมมือ"
            "ธนาคารพาณิชย์ทุกแห่ง")
    texts = _texts(extractor, text, "th", "TH")
    assert {"มหาวิทยาลัยราชภัฏกำแพงเพชร", "กรมการจัดหางาน", "ธนาคารแห่งประเทศไทย"} <= texts
    assert not any(t.startswith(("บริษัทจัดหางาน", "ธนาคารพาณิชย์")) for t in texts), texts


def test_thai_airlines_by_their_transliterated_ending_and_not_the_line_app(extractor):
    text = "ผู้โดยสารเดินทางด้วยสายการบินเซี่ยงไฮ้แอร์ไลน์ ส่วนอีกกลุ่มใช้สายการบินจีนทั่วไป"
    orgs = _orgs(extractor, text, "th", "TH")
    assert "สายการบินเซี่ยงไฮ้แอร์ไลน์" in {t for t, _ in orgs}
    assert "LINE" not in {name for _, name in orgs}
    assert not any(t.startswith("สายการบินจีน") for t, _ in orgs)
