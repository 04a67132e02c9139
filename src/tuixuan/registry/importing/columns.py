"""The headers each kind of file is recognised by, and the vocabularies of coded values."""

from __future__ import annotations

from tuixuan.core.models import OrgType
from tuixuan.registry.importing.readers import Column
from tuixuan.registry.importing.values import vocabulary
from tuixuan.registry.models import (
    CadreRank,
    DeputyBody,
    Education,
    Gender,
    Level,
    MemberType,
    Occupation,
    RightsStatus,
)

ORGANISATION_COLUMNS = (
    Column("name", "党组织名称", ("名称", "组织名称", "党组织")),
    Column("parent", "上级党组织", ("上级组织", "上级党组织名称", "上级")),
    Column("org_type", "组织类别", ("类别", "组织类型", "党组织类别", "党组织类型")),
    Column("code", "组织代码", ("代码", "党组织代码", "组织编码"), required=False),
)

MEMBER_COLUMNS = (
    Column("name", "姓名"),
    Column("gender", "性别"),
    Column("ethnicity", "民族"),
    Column("citizen_id", "公民身份号码", ("身份证号", "身份证号码", "证件号码", "公民身份证号码")),
    Column("birth_date", "出生日期", ("出生年月日",)),
    Column("education", "学历", ("最高学历", "文化程度")),
    Column("occupation", "人员类别", ("职业", "工作岗位")),
    Column("joined_date", "入党日期", ("入党时间",)),
    Column("full_member_date", "转正日期", ("转正时间",)),
    Column("member_type", "党员类型", ("党员类别",)),
    Column("organisation", "所在党组织", ("所在支部", "党组织", "所在党支部")),
    Column("rights_status", "表决权状态", ("表决权", "党员权利状态"), required=False),
    Column("rights_until", "察看期至", ("留党察看期至",), required=False),
    Column("is_floating", "流动党员", ("是否流动党员",), required=False),
    Column("is_retired", "离退休", ("是否离退休",), required=False),
    Column("is_lost_contact", "失联", ("失联党员", "是否失联"), required=False),
    Column("is_abroad", "出国境", ("出国（境）", "出国(境)", "是否出国境"), required=False),
    Column("cadre_rank", "干部级别", ("领导干部级别", "职级"), required=False),
    Column("current_post", "现任职务", ("职务", "单位及职务"), required=False),
)

DEPUTY_COLUMNS = (
    Column("name", "姓名"),
    Column("citizen_id", "公民身份号码", ("身份证号", "身份证号码", "证件号码")),
    Column("body", "类别", ("代表类别", "身份")),
    Column("level", "层级", ("级别",)),
    Column("term", "届次", ("届别",), required=False),
)

SANCTION_COLUMNS = (
    Column("name", "姓名"),
    Column("citizen_id", "公民身份号码", ("身份证号", "身份证号码", "证件号码")),
    Column("kind", "处分种类", ("处分类别", "处分")),
    Column("decided_on", "处分决定日期", ("决定日期", "处分日期")),
    Column("effect_until", "影响期至", ("影响期满日期", "影响期截止")),
    Column("authority", "决定机关", ("处分机关",), required=False),
)

INVESTIGATION_COLUMNS = (
    Column("name", "姓名"),
    Column("citizen_id", "公民身份号码", ("身份证号", "身份证号码", "证件号码")),
    Column("opened_on", "立案日期", ("立案时间",)),
    Column("closed_on", "结案日期", ("结案时间",), required=False),
    Column("authority", "立案机关", ("审查调查机关",), required=False),
)

GENDERS = vocabulary({Gender.MALE: ("男", "男性"), Gender.FEMALE: ("女", "女性")})
EDUCATIONS = vocabulary(
    {
        Education.POSTGRADUATE: (
            "研究生",
            "博士",
            "硕士",
            "博士研究生",
            "硕士研究生",
            "研究生教育",
            "研究生及以上",
        ),
        Education.BACHELOR: ("大学本科", "本科", "大学", "大本"),
        Education.COLLEGE: ("大学专科", "大专", "专科", "高职"),
        Education.SECONDARY_VOCATIONAL: (
            "中专",
            "中等专科",
            "中等专业学校",
            "中技",
            "技校",
            "中职",
            "中等职业教育",
        ),
        Education.HIGH_SCHOOL: ("高中", "普通高中", "职高"),
        Education.JUNIOR_OR_BELOW: ("初中及以下", "初中", "小学", "初中以下", "小学及以下", "文盲"),
    }
)
OCCUPATIONS = vocabulary(
    {
        Occupation.WORKER: ("工人", "工勤技能人员"),
        Occupation.FARMER: ("农牧渔民", "农民", "牧民", "渔民"),
        Occupation.PROFESSIONAL: ("专业技术人员", "专技人员"),
        Occupation.MANAGER: ("企事业单位管理人员", "企事业管理人员", "管理人员"),
        Occupation.OFFICIAL: ("党政机关工作人员", "机关工作人员", "公务员", "党政机关"),
        Occupation.STUDENT: ("学生", "在校学生"),
        Occupation.RETIRED: ("离退休人员", "离退休", "退休人员", "离休人员", "退休"),
        Occupation.MILITARY: ("解放军、武警", "解放军", "武警", "军人"),
        Occupation.OTHER: ("其他", "其他职业人员", "自由职业", "无职业"),
    }
)
MEMBER_TYPES = vocabulary(
    {MemberType.FULL: ("正式党员", "正式"), MemberType.PROBATIONARY: ("预备党员", "预备")}
)
RIGHTS = vocabulary(
    {
        RightsStatus.NORMAL: ("正常", "有", "有表决权", "享有表决权"),
        RightsStatus.PROBATION: ("留党察看", "察看"),
        RightsStatus.DETAINED: ("留置", "被留置"),
        RightsStatus.ARRESTED: ("被逮捕", "逮捕"),
    }
)
ORG_TYPES = vocabulary(
    {
        OrgType.PROVINCE: ("省委", "自治区党委", "直辖市委"),
        OrgType.CITY: ("市委", "州委", "地委", "盟委"),
        OrgType.COUNTY: ("县（区）委", "县委", "区委", "县(市、区)委", "旗委", "县级市委"),
        OrgType.COMMITTEE: ("党委", "基层党委", "乡镇党委", "机关党委", "党的委员会"),
        OrgType.WORKING_COMMITTEE: ("党工委", "工委", "党的工作委员会"),
        OrgType.GENERAL_BRANCH: ("党总支", "党总支部", "总支部", "总支"),
        OrgType.BRANCH: ("党支部", "支部", "联合党支部", "临时党支部"),
    }
)
DEPUTY_BODIES = vocabulary(
    {DeputyBody.NPC: ("人大代表", "人大"), DeputyBody.CPPCC: ("政协委员", "政协")}
)
LEVELS = vocabulary(
    {
        Level.NATIONAL: ("全国", "国家", "全国级"),
        Level.PROVINCE: ("省", "省级", "自治区", "直辖市"),
        Level.CITY: ("市", "市级", "州", "地市", "设区的市"),
        Level.COUNTY: ("县", "县级", "区", "县(区)", "县(市、区)", "旗"),
        Level.TOWNSHIP: ("乡镇", "乡", "镇", "乡镇级", "街道"),
    }
)

_ETHNIC = [
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
]
ETHNICITIES: dict[str, str] = {}
for _name in _ETHNIC:
    ETHNICITIES[_name] = _name + "族"
    ETHNICITIES[_name + "族"] = _name + "族"
for _other in ("其他", "未识别民族", "入籍", "外国血统中国籍人士", "穿青人"):
    ETHNICITIES[_other] = _other

CADRE_RANKS = vocabulary(
    {
        CadreRank.PROVINCE_MINISTRY: ("省部级", "省级", "部级"),
        CadreRank.BUREAU: ("厅局级", "厅级", "局级", "地厅级"),
        CadreRank.DIVISION: ("县处级", "处级", "县级"),
        CadreRank.SECTION: ("乡科级", "科级", "乡级"),
    }
)
