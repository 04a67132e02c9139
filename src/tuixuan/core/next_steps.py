"""Steps that wait for someone: what the home page lists and the "下一步" box says.

A page that knows what comes after it passes ``next_steps`` (a list of ``Step``) to its
template; ``base.html`` then ends the page with the box (``_next.html``). The stages supply
their own state-aware steps: each stage's app registers a ``waiting_for(user)`` function
when it is loaded (``register_waiting``), so this module, at the bottom of the layers, knows
no stage; it adds the fixed steps of each role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from tuixuan.core.models import Role, User


@dataclass(frozen=True)
class Step:
    title: str
    url: str = ""
    hint: str = ""
    who: str = ""
    """Who must take the step (an organisation or a role)."""


# What each role does, in the order of the procedure (docs/domain.md §2), when nothing more
# specific waits for it. The nomination steps come from the state instead.
FIXED: dict[str, list[tuple[str, str, str]]] = {
    Role.CONVENER: [
        ("核对党组织和党员", "registry:tree", "核对各选举单位的党组织和党员数量"),
        (
            "导入党员名册和外部名单",
            "registry:import",
            "党员名册、同级人大代表、政协委员、处分和立案名单",
        ),
        ("部署推选工作", "campaign:list", "代表名额、选举单位、名额分配、结构比例、时间节点"),
        ("推荐提名", "nomination:index", "开启一上，跟踪各单位报送进度、参与率和推荐汇总"),
        ("考察审查", "vetting:index", "各单位考察、六必查、部门联审进度，逾期的排在前面"),
        ("组织选举", "election:list", "选举大会：签到、选票、计票、结果、资格审查"),
    ],
    Role.UNIT_OPERATOR: [
        ("查看本单位名额和时间节点", "campaign:list", "市委分配的代表名额、结构比例和时间节点"),
        ("推荐提名汇总", "nomination:index", "各支部报送情况、得票排序、集体研究确定名单"),
        ("考察审查", "vetting:index", "考察组、六必查、部门联审、集体研究确定初步人选"),
        ("核对本单位党员名册", "registry:members", "核对党员信息、表决权状态"),
        ("导入或更新党员名册", "registry:import", "上传 Excel 或 CSV 文件"),
        ("组织本单位选举", "election:list", "签到、选票、计票、结果"),
    ],
    Role.BRANCH_OPERATOR: [
        ("推荐提名（一上、二上）", "nomination:index", "支部党员大会、推荐票、参与方式，按时报送"),
        ("查看推选工作安排", "campaign:list", "本单位的时间节点"),
        ("核对本支部党员名册", "registry:members", "核对每名党员的信息和参与方式"),
        ("导入或更新党员名册", "registry:import", "上传 Excel 或 CSV 文件"),
    ],
    Role.INSPECTOR: [
        (
            "考察审查",
            "vetting:index",
            "我的考察组和考察对象：考察预告、个别谈话、民主测评、考察材料",
        ),
    ],
    Role.DEPARTMENT_REVIEWER: [
        ("回复征求意见函", "vetting:index", "本部门收到的考察对象名单，按时回复审查意见"),
    ],
    Role.TELLER: [
        ("选举计票", "election:list", "录入选票、双人录入核对、计票"),
    ],
    Role.SUPERVISOR: [
        ("查看推选工作", "campaign:list", "各选举单位名额、结构和时间节点"),
        ("查看推荐提名", "nomination:index", "各单位推荐进度、参与率、资格预警"),
        ("查看党组织和党员", "registry:tree", "监督检查各单位名册"),
        ("查看选举", "election:list", "选举过程和结果"),
        ("查看登录日志", "core:login_log", "检查账户登录情况"),
    ],
}


WaitingFor = Callable[[User], list[Step]]
WAITING: list[WaitingFor] = []


def register_waiting(waiting_for: WaitingFor) -> None:
    """Add a stage's ``waiting_for(user)``; called from its ``AppConfig.ready`` (in the order
    of INSTALLED_APPS, which is the order of the procedure)."""
    if waiting_for not in WAITING:
        WAITING.append(waiting_for)


def home_steps(user: User) -> tuple[list[Step], list[Step]]:
    """(what waits for the user now, the role's other work)."""
    waiting = [step for waiting_for in WAITING for step in waiting_for(user)]
    fixed = [Step(title, reverse(name), hint) for title, name, hint in FIXED.get(user.role, [])]
    return waiting, fixed


def page_steps(user: User) -> list[Step]:
    """The 下一步 box of a page that has no step of its own: what waits for the user, else the
    first of the role's usual work."""
    waiting, fixed = home_steps(user)
    return waiting or fixed[:3]
