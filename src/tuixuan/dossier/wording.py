"""The record's inputs as a form would say them, one template per event type.

``TEMPLATES`` maps every ``EventType`` to a function that turns the event's stored inputs
into Chinese text: "推荐会议：2026年12月1日，党员活动室，主持人 支部书记；应到 120 人，实到 102
人；得票 2 票（其中预备党员 0 票）". A stage that adds an event type adds its template here; the
test ``tests/dossier/test_wording.py`` renders every type and fails on a type without one or
on any programme word (a key, a code value) in the text.

A template receives the inputs and ``who``: the person whose book is being written (their
citizen ID and name), or nobody for a unit's record form. In a book, lists are cut down to
the person's own line ("名单共 20 人，本人列第 3 位"); in a unit form they are given whole.
Nothing is shortened with "…": the page, the PDF and the Word book wrap the text.

Old events keep the inputs they were written with, so every template reads with ``get`` and
leaves out what is missing. A type without a template, or a template that cannot read an old
shape, falls back to ``generic``: known keys by their Chinese names, unknown keys as
"其他情况", code values by their labels, and never a key or a code.

Code values (round kinds, outcomes, roles, stages, ...) are named by the choices of the app
that owns them; those are imported when first needed, as the stages depend on the record and
not the other way round.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from tuixuan.campaign.models import (
    ActivityKind,
    CampaignStatus,
    Level,
    NonOverlapPolicy,
    RuleProfile,
    Stage,
)
from tuixuan.campaign.rules.structure import CATEGORY_LABELS, Base, Comparator
from tuixuan.campaign.selectors import SETTING_LABELS
from tuixuan.core.models import Role
from tuixuan.election.domain import OUTCOME_LABELS
from tuixuan.election.models import (
    BodyType,
    ExclusionReason,
    ProfileChoice,
    ReductionAgreement,
    RoundKind,
    StaffRole,
)
from tuixuan.nomination.models import EntryMode, ListKind, ParticipationMode
from tuixuan.notice import domain as notice_domain
from tuixuan.oversight.models import AlertKind, FindingKind
from tuixuan.record.events import EventType
from tuixuan.registry.models import ImportJob, MemberChange, MemberType, RightsStatus

Inputs = Mapping[str, Any]


@dataclass(frozen=True)
class Who:
    """Whose book the text is for; both empty for a unit's record form."""

    citizen_id: str | None = None
    name: str | None = None

    @property
    def anyone(self) -> bool:
        return bool(self.citizen_id or self.name)

    def is_me(self, row: Mapping[str, Any]) -> bool:
        if not self.anyone:
            return False
        cid = row.get("citizen_id") or row.get("candidate")
        if cid and self.citizen_id and str(cid).upper() == self.citizen_id.upper():
            return True
        return bool(self.name) and row.get("name") == self.name and not cid


Template = Callable[[Inputs, Who], str]


# --- vocabularies of code values ----------------------------------------------------------


@cache
def vocabularies() -> dict[str, dict[str, str]]:
    """Chinese labels of the code values the inputs carry, by kind."""

    def of(choices: Any) -> dict[str, str]:
        return {str(value): str(label) for value, label in choices.choices}

    return {
        "role": of(Role),
        "stage": of(Stage),
        "level": {**of(Level), "city": "市级", "province": "省级", "county": "县级"},
        "rule_profile": of(RuleProfile),
        "election_profile": of(ProfileChoice),
        "non_overlap": of(NonOverlapPolicy),
        "campaign_status": of(CampaignStatus),
        "round_kind": of(RoundKind),
        "outcome": {k: str(v) for k, v in OUTCOME_LABELS.items()},
        "staff_role": of(StaffRole),
        "exclusion": of(ExclusionReason),
        "agreed_by": of(ReductionAgreement),
        "body_type": of(BodyType),
        "list_kind": of(ListKind),
        "entry_mode": of(EntryMode),
        "participation": of(ParticipationMode),
        "import_kind": of(ImportJob.Kind),
        "member_field": of(MemberChange.Field),
        "member_value": {**of(MemberType), **of(RightsStatus)},
        "category": {str(k.value): v for k, v in CATEGORY_LABELS.items()},
        "comparator": {
            Comparator.GE.value: "不低于",
            Comparator.GT.value: "高于",
            Comparator.LE.value: "不高于",
            Comparator.LT.value: "低于",
            Comparator.EQ.value: "等于",
        },
        "base": {Base.SHARE.value: "比例", Base.COUNT.value: "人数"},
        "format": {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "zip": "压缩包"},
        "finding_kind": of(FindingKind),
        "activity_kind": of(ActivityKind),
        "alert_kind": of(AlertKind),
    }


def label(kind: str, value: Any) -> str:
    """The label of a code value; an unknown code is never shown as it is."""
    if value is None or value == "":
        return ""
    text = vocabularies().get(kind, {}).get(str(value))
    if text is not None:
        return text
    if not _CODE.fullmatch(str(value)):
        return str(value)  # already words (older events stored labels)
    return _("（未登记的取值）")


_CODE = re.compile(r"[a-z][a-z0-9_]*")
_HEX = re.compile(r"[0-9a-f]{32,}")
# A template given an older shape of the inputs prints a missing value as "None".
_MISSING = re.compile(r"\bNone\b")


# --- small formatters ---------------------------------------------------------------------


def day(value: Any) -> str:
    """ "2026-12-01" → "2026年12月1日"; empty when missing."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        d = value
    else:
        try:
            d = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return f"{d.year}年{d.month}月{d.day}日"


def share(value: Any) -> str:
    """ "19/20" → "95%", "1/1" → "100%", "1/3" → "33.3%"."""
    try:
        f = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    pct = f * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    return f"{float(pct):.1f}%"


def names(values: Iterable[Any]) -> str:
    return "、".join(str(v) for v in values if v not in (None, ""))


def join(*parts: str, sep: str = "，") -> str:
    return sep.join(p for p in parts if p)


def _map(inputs: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = inputs.get(key)
    return value if isinstance(value, Mapping) else {}


def _list(inputs: Mapping[str, Any], key: str) -> list[Any]:
    value = inputs.get(key)
    return value if isinstance(value, list) else []


def _rows(value: Any) -> list[Mapping[str, Any]]:
    return [r for r in value if isinstance(r, Mapping)] if isinstance(value, list) else []


def _mine(rows: list[Mapping[str, Any]], who: Who) -> tuple[int, Mapping[str, Any]] | None:
    for i, row in enumerate(rows, start=1):
        if who.is_me(row):
            return i, row
    return None


def _person_list(
    rows: list[Mapping[str, Any]], who: Who, what: str, line: Callable[[Mapping[str, Any]], str]
) -> str:
    """A list of people: the person's own line in a book, every line in a unit form."""
    if who.anyone:
        found = _mine(rows, who)
        if found is None:
            return _("%(what)s共 %(n)d 人") % {"what": what, "n": len(rows)}
        position, row = found
        return join(
            _("%(what)s共 %(n)d 人，本人列第 %(i)d 位")
            % {"what": what, "n": len(rows), "i": position},
            line(row),
        )
    body = "；".join(join(str(r.get("name", "")), line(r), sep=" ") for r in rows)
    return _("%(what)s共 %(n)d 人：%(body)s") % {"what": what, "n": len(rows), "body": body}


def _votes(row: Mapping[str, Any]) -> str:
    votes = row.get("votes")
    if votes is None:
        return ""
    text = _("得票 %(v)s 票") % {"v": votes}
    if "probationary_votes" in row:
        text += _("（其中预备党员 %(p)s 票）") % {"p": row.get("probationary_votes") or 0}
    return text


def _meeting(date: Any, place: Any, presider: Any, due: Any, present: Any, what: str) -> str:
    head = join(
        day(date),
        str(place or ""),
        _("主持人 %(p)s") % {"p": presider} if presider else "",
    )
    numbers = join(
        _("应到 %(n)s 人") % {"n": due} if due is not None else "",
        _("实到 %(n)s 人") % {"n": present} if present is not None else "",
    )
    return join(f"{what}：{head}" if head else "", numbers, sep="；")


def _changes(changes: Any, labels: Mapping[str, str], value: Callable[[str, Any], str]) -> str:
    if not isinstance(changes, Mapping):
        return ""
    parts = []
    for name, change in changes.items():
        title = labels.get(name, _("其他设置"))
        if isinstance(change, Mapping):
            old, new = value(name, change.get("old")), value(name, change.get("new"))
            parts.append(
                _("%(what)s由“%(old)s”改为“%(new)s”")
                % {"what": title, "old": old or _("空"), "new": new or _("空")}
            )
    return "；".join(parts)


# --- generic fallback ----------------------------------------------------------------------

_KEY_LABELS: dict[str, str] = {
    "votes": "得票",
    "for": "赞成",
    "against": "不赞成",
    "agree": "赞成",
    "disagree": "不赞成",
    "abstain": "弃权",
    "round": "轮次",
    "seats": "名额",
    "reason": "理由",
    "note": "备注",
    "decision": "决定",
    "name": "姓名",
    "title": "名称",
    "date": "日期",
    "deadline": "期限",
    "file_name": "文件",
    "file": "文件",
    "candidates": "候选人",
    "elected": "当选",
    "due": "应到",
    "present": "实到",
    "approval": "批准",
    "opinion": "意见",
    "result": "结果",
    "department": "部门",
    "meeting_date": "会议日期",
    "accountable_person": "责任人",
}
# Keys that mean nothing on paper.
_SKIP = frozenset(
    {
        "sha256",
        "sm3",
        "digest",
        "election",
        "counting_rules_version",
        "body_type",
        "election_seats",
        "profile",
        "citizen_id",
        "citizen_ids",
        "proposal_id",
        "present_digest",
        "ballots_digest",
        "user",
        "password",
        "old_password",
        "new_password",
        "temporary_password",
        "state",  # what verify-record re-derives tables from (docs/record.md)
    }
)


def _generic_value(value: Any, who: Who) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if _HEX.fullmatch(value) or _CODE.fullmatch(value):
            return ""  # a hash or a code: nothing a reader can use
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value):
            return day(value)
        return value
    if isinstance(value, Mapping):
        return "，".join(
            p for p in (_generic_pair(k, v, who, inner=True) for k, v in value.items()) if p
        )
    if isinstance(value, list):
        rows = _rows(value)
        if rows and len(rows) == len(value):
            chosen = [r for r in rows if who.is_me(r)] if who.anyone else rows
            return "；".join(t for t in (_generic_value(r, who) for r in chosen) if t)
        return names(_generic_value(v, who) for v in value)
    return ""


def _generic_pair(key: str, value: Any, who: Who, *, inner: bool = False) -> str:
    if key in _SKIP:
        return ""
    text = _generic_value(value, who)
    if not text:
        return ""
    title = _KEY_LABELS.get(key, _("其他情况"))
    return f"{title} {text}" if inner else f"{title}：{text}"


def generic(inputs: Inputs, who: Who) -> str:
    """Any inputs, with Chinese names for keys and values; used where no template fits."""
    return "；".join(p for p in (_generic_pair(k, v, who) for k, v in inputs.items()) if p)


# --- registry and core ---------------------------------------------------------------------


def _imported(i: Inputs, who: Who) -> str:
    kind = label("import_kind", i.get("list")) if i.get("list") else ""
    return join(
        _("文件 %(f)s") % {"f": i.get("file_name")} if i.get("file_name") else "",
        _("名单 %(k)s") % {"k": kind} if kind else "",
        _("共 %(n)s 行") % {"n": i.get("total_rows")} if i.get("total_rows") is not None else "",
        _("新增 %(n)s 条") % {"n": i.get("created")} if i.get("created") is not None else "",
        _("更新 %(n)s 条") % {"n": i.get("updated")} if i.get("updated") is not None else "",
        _("跳过有错误的 %(n)s 行") % {"n": i.get("skipped_rows")} if i.get("skipped_rows") else "",
        _("%(n)s 条未匹配到党员") % {"n": i.get("unmatched")} if i.get("unmatched") else "",
    )


def _member_changed(i: Inputs, who: Who) -> str:
    rows = _rows(i.get("changes"))
    if who.anyone:
        rows = [r for r in rows if who.is_me(r)]

    def one(r: Mapping[str, Any]) -> str:
        field = str(r.get("field", ""))
        value = (lambda v: label("member_value", v)) if field != "organisation" else str
        text = _("%(what)s由“%(old)s”改为“%(new)s”") % {
            "what": label("member_field", field),
            "old": value(r.get("old")) or _("空"),
            "new": value(r.get("new")) or _("空"),
        }
        return text if who.anyone else join(str(r.get("name") or ""), text, sep=" ")

    return join(
        _("导入文件 %(f)s") % {"f": i.get("file_name")} if i.get("file_name") else "",
        _("共变更 %(n)s 项") % {"n": i.get("change_count")} if not who.anyone else "",
        "；".join(one(r) for r in rows),
        sep="；",
    )


def _user_created(i: Inputs, who: Who) -> str:
    return join(
        _("账号 %(u)s") % {"u": i.get("username")} if i.get("username") else "",
        _("角色 %(r)s") % {"r": label("role", i.get("role"))} if i.get("role") else "",
        _("党组织代码 %(o)s") % {"o": i.get("organisation")} if i.get("organisation") else "",
        _("部门 %(d)s") % {"d": i.get("department")} if i.get("department") else "",
    )


def _user_role_changed(i: Inputs, who: Who) -> str:
    old = i.get("old") or i.get("from")
    new = i.get("new") or i.get("to")
    return join(
        _("账号 %(u)s") % {"u": i.get("username")} if i.get("username") else "",
        _("角色由“%(a)s”改为“%(b)s”") % {"a": label("role", old), "b": label("role", new)}
        if new
        else "",
    )


def _account(i: Inputs) -> str:
    return _("账户 %(u)s") % {"u": i.get("username")} if i.get("username") else _("账户")


def _cleared(i: Inputs) -> str:
    n = i.get("counters_cleared")
    return _("清除登录失败记录 %(n)s 条") % {"n": n} if isinstance(n, int) and n else ""


def _users_imported(i: Inputs, who: Who) -> str:
    usernames = _list(i, "usernames")
    return join(
        _("文件 %(f)s") % {"f": i.get("source")} if i.get("source") else "",
        _("导入账户 %(n)d 个：%(u)s") % {"n": len(usernames), "u": names(usernames)}
        if usernames
        else "",
        _("均须在首次登录时修改临时密码") if usernames else "",
        sep="；",
    )


_USER_LABELS: dict[str, str] = {
    "role": "角色",
    "organisation": "党组织代码",
    "display_name": "姓名",
    "department": "部门",
    "phone": "联系电话",
}


def _user_changed(i: Inputs, who: Who) -> str:
    before, after = _map(i, "before"), _map(i, "after")
    changes = {
        k: {"old": before.get(k), "new": after.get(k)}
        for k in _USER_LABELS
        if k in after and before.get(k) != after.get(k)
    }

    def value(name: str, v: Any) -> str:
        return label("role", v) if name == "role" else str(v or "")

    return join(_account(i), _changes(changes, _USER_LABELS, value), sep="：")


def _user_unlocked(i: Inputs, who: Who) -> str:
    return join(_("%(a)s已解除登录锁定") % {"a": _account(i)}, _cleared(i), sep="；")


def _address_unlocked(i: Inputs, who: Who) -> str:
    return _("客户端地址 %(a)s 已解除登录锁定") % {"a": i.get("address") or ""}


def _password_reset(i: Inputs, who: Who) -> str:
    return join(
        _("%(a)s的密码已重置，须在下次登录时修改") % {"a": _account(i)}, _cleared(i), sep="；"
    )


def _password_changed(i: Inputs, who: Who) -> str:
    return join(
        _("%(a)s已修改登录密码") % {"a": _account(i)},
        _("按要求在登录后修改") if i.get("was_required") else "",
    )


def _user_disabled(i: Inputs, who: Who) -> str:
    return join(
        _("%(a)s已停用") % {"a": _account(i)},
        _("原因：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _user_enabled(i: Inputs, who: Who) -> str:
    return join(
        _("%(a)s已重新启用") % {"a": _account(i)},
        _("说明：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


# --- campaign ------------------------------------------------------------------------------


def _setting_labels() -> dict[str, str]:
    return SETTING_LABELS


_SHARES = frozenset(
    {
        "margin_ratio",
        "org_participation_target",
        "member_participation_target",
        "reduction_threshold",
        "member_weight",
    }
)


def _setting_value(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if name in _SHARES:
        return share(value)
    if name == "pool_multiple":
        return _multiple(value)
    if name == "level":
        return label("level", value)
    if name == "default_rule_profile":
        return label("rule_profile", value)
    if name == "non_overlap_policy":
        return label("non_overlap", value)
    if name == "required_activities":
        return names(label("activity_kind", k) for k in value) if value else _("无")
    if isinstance(value, list):
        return names(value)
    return str(value)


def _multiple(value: Any) -> str:
    try:
        f = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    return _("%(n)s 倍") % {"n": f.numerator if f.denominator == 1 else f"{float(f):.1f}"}


def _settings(settings: Any) -> str:
    if not isinstance(settings, Mapping):
        return ""
    labels = _setting_labels()
    return "，".join(
        f"{labels.get(k, _('其他设置'))} {v}"
        for k, v in ((k, _setting_value(k, val)) for k, val in settings.items())
        if v
    )


def _campaign_created(i: Inputs, who: Who) -> str:
    return _("推选工作设置：%(s)s") % {"s": _settings(i.get("settings"))}


def _settings_changed(i: Inputs, who: Who) -> str:
    return _changes(i.get("changes"), _setting_labels(), _setting_value)


def _status_changed(i: Inputs, who: Who) -> str:
    parts = [
        _("状态由“%(a)s”改为“%(b)s”")
        % {
            "a": label("campaign_status", i.get("from")),
            "b": label("campaign_status", i.get("to")),
        }
    ]
    if isinstance(i.get("units"), Mapping):
        parts.append(_("选举单位 %(n)d 个，名额共 %(s)d 名") % _units_total(i["units"]))
    if isinstance(i.get("milestones"), Mapping):
        parts.append(
            _("时间节点：%(m)s")
            % {"m": "，".join(f"{label('stage', s)} {day(d)}" for s, d in i["milestones"].items())}
        )
    if i.get("settings"):
        parts.append(_("设置：%(s)s") % {"s": _settings(i.get("settings"))})
    if i.get("note"):
        parts.append(_("说明：%(n)s") % {"n": i["note"]})
    return "；".join(parts)


def _units_total(units: Mapping[str, Any]) -> dict[str, int]:
    return {"n": len(units), "s": sum(int(v) for v in units.values() if isinstance(v, int))}


_UNIT_LABELS = {
    "seats": "名额",
    "rule_profile": "选举规则",
    "secretary_name": "书记姓名",
    "secretary_post": "书记职务",
    "deputy_name": "副书记（组织委员）姓名",
    "deputy_post": "副书记（组织委员）职务",
    "recommending_organisations": "推荐单位",
    "name": "名称",
}


def _unit_value(name: str, value: Any) -> str:
    if name == "rule_profile":
        return label("rule_profile", value)
    if isinstance(value, list):
        return _("%(n)d 个党组织") % {"n": len(value)}
    return "" if value is None else str(value)


def _unit_state(i: Inputs, who: Who) -> str:
    recommending = i.get("recommending_organisations")
    return join(
        _("选举单位 %(n)s") % {"n": i.get("name")} if i.get("name") else "",
        _("党员 %(n)s 名") % {"n": i.get("members")} if i.get("members") is not None else "",
        _("下属党组织 %(n)s 个") % {"n": i.get("organisations")}
        if i.get("organisations") is not None
        else "",
        _("名额 %(n)s 名") % {"n": i.get("seats")} if i.get("seats") is not None else "",
        _("选举规则 %(r)s") % {"r": label("rule_profile", i.get("rule_profile"))}
        if i.get("rule_profile")
        else "",
        _("书记 %(n)s")
        % {
            "n": join(
                str(i.get("secretary_name") or ""), str(i.get("secretary_post") or ""), sep=" "
            )
        }
        if i.get("secretary_name") or i.get("secretary_post")
        else "",
        _("副书记（组织委员） %(n)s")
        % {"n": join(str(i.get("deputy_name") or ""), str(i.get("deputy_post") or ""), sep=" ")}
        if i.get("deputy_name") or i.get("deputy_post")
        else "",
        _("推荐单位 %(n)d 个") % {"n": len(recommending)} if isinstance(recommending, list) else "",
    )


def _unit_changed(i: Inputs, who: Who) -> str:
    return _changes(i.get("changes"), _UNIT_LABELS, _unit_value)


def _allocation_proposed(i: Inputs, who: Who) -> str:
    units = _rows(i.get("units"))
    head = join(
        _("名额共 %(n)s 名") % {"n": i.get("total_seats")},
        _("每单位保底 %(n)s 名") % {"n": i.get("minimum")} if i.get("minimum") is not None else "",
        _("党员数权重 %(w)s") % {"w": share(i.get("member_weight"))}
        if i.get("member_weight") is not None
        else "",
    )
    body = "；".join(
        _("%(u)s %(s)s 名（党员 %(m)s 名，党组织 %(o)s 个）")
        % {
            "u": r.get("key"),
            "s": r.get("seats"),
            "m": r.get("members"),
            "o": r.get("organisations"),
        }
        for r in units
    )
    return join(head, body, sep="；")


def _allocation_adjusted(i: Inputs, who: Who) -> str:
    changes = _map(i, "changes")
    moved = "、".join(
        _("%(u)s 由 %(a)s 名改为 %(b)s 名") % {"u": u, "a": c.get("old"), "b": c.get("new")}
        for u, c in changes.items()
        if isinstance(c, Mapping)
    )
    return join(
        moved,
        _("调整后合计 %(t)s 名（名额共 %(s)s 名）")
        % {"t": i.get("total"), "s": i.get("total_seats")}
        if i.get("total") is not None
        else "",
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _allocation_confirmed(i: Inputs, who: Who) -> str:
    units = _map(i, "units")
    return join(
        _("名额共 %(n)s 名") % {"n": i.get("total_seats")},
        "，".join(_("%(u)s %(s)s 名") % {"u": u, "s": s} for u, s in units.items()),
        sep="：",
    )


def _reason_only(i: Inputs, who: Who) -> str:
    return _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else ""


def _target_added(i: Inputs, who: Who) -> str:
    threshold = i.get("threshold")
    amount = (
        share(threshold) if i.get("base", "share") == "share" else _("%(n)s 人") % {"n": threshold}
    )
    return join(
        _("适用范围 %(u)s")
        % {"u": _("选举单位（代码 %(c)s）") % {"c": i["unit"]} if i.get("unit") else _("全体")},
        _("%(c)s%(cmp)s %(v)s")
        % {
            "c": label("category", i.get("category")),
            "cmp": label("comparator", i.get("comparator")),
            "v": amount,
        },
        _("说明：%(n)s") % {"n": i.get("note")} if i.get("note") else "",
    )


def _target_removed(i: Inputs, who: Who) -> str:
    return _("目标：%(t)s") % {"t": i.get("target")} if i.get("target") else ""


def _milestones_planned(i: Inputs, who: Who) -> str:
    spans = _map(i, "spans")
    deadlines = _map(i, "deadlines")
    body = "，".join(
        join(
            label("stage", s),
            _("%(n)s 个工作日") % {"n": spans[s]} if s in spans else "",
            _("截止 %(d)s") % {"d": day(deadlines.get(s))} if deadlines.get(s) else "",
            sep=" ",
        )
        for s in (list(spans) or list(deadlines))
    )
    return join(
        _("自 %(d)s 起") % {"d": day(i.get("start"))} if i.get("start") else "", body, sep="："
    )


def _milestone_changed(i: Inputs, who: Who) -> str:
    old = _map(i, "old")
    new = _map(i, "new")
    return join(
        _("环节 %(s)s") % {"s": label("stage", i.get("stage"))},
        _("截止日期由 %(a)s 改为 %(b)s")
        % {"a": day(old.get("deadline")) or _("未定"), "b": day(new.get("deadline"))},
        _("说明：%(n)s") % {"n": new.get("note")} if new.get("note") else "",
    )


def _milestone_completed(i: Inputs, who: Who) -> str:
    return join(
        _("环节 %(s)s") % {"s": label("stage", i.get("stage"))},
        _("截止 %(d)s") % {"d": day(i.get("deadline"))} if i.get("deadline") else "",
        _("完成于 %(d)s") % {"d": day(i.get("completed_on"))} if i.get("completed_on") else "",
    )


def _day_kind(state: Any) -> str:
    if not isinstance(state, Mapping):
        return _("无安排")
    kind = _("工作日") if state.get("is_working_day") else _("休息日")
    return join(kind, str(state.get("name") or ""), sep="（") + ("）" if state.get("name") else "")


def _calendar_set(i: Inputs, who: Who) -> str:
    return join(
        _("日期 %(d)s") % {"d": day(i.get("date"))},
        _("原为 %(o)s") % {"o": _day_kind(i.get("old"))},
        _("现为 %(n)s") % {"n": _day_kind(i.get("new"))},
    )


def _calendar_removed(i: Inputs, who: Who) -> str:
    return join(_("日期 %(d)s") % {"d": day(i.get("date"))}, _("原为 %(o)s") % {"o": _day_kind(i)})


# --- election ------------------------------------------------------------------------------


def _round(i: Inputs) -> str:
    n = i.get("round")
    return _("第 %(n)s 轮") % {"n": n} if n is not None else ""


def _rules(i: Inputs) -> str:
    return join(
        _("应选 %(n)s 名") % {"n": i.get("election_seats")} if i.get("election_seats") else "",
        _("选举规则 %(p)s") % {"p": label("election_profile", i.get("profile"))}
        if i.get("profile")
        else "",
    )


def _candidates(values: Any, who: Who, what: str | None = None) -> str:
    people = [str(v) for v in values] if isinstance(values, list) else []
    if not people:
        return ""
    what = what or _("候选人")
    if who.anyone and len(people) > 6:
        mine = who.name in people
        return _("%(w)s %(n)d 名%(me)s") % {
            "w": what,
            "n": len(people),
            "me": _("，含本人") if mine else "",
        }
    return _("%(w)s %(n)d 名：%(names)s") % {"w": what, "n": len(people), "names": names(people)}


def _election_created(i: Inputs, who: Who) -> str:
    return join(
        _("选举会议 %(t)s") % {"t": i.get("title")} if i.get("title") else "",
        _("会议类型 %(b)s") % {"b": label("body_type", i.get("body_type"))}
        if i.get("body_type")
        else "",
        _rules(i),
        _("会议日期 %(d)s") % {"d": day(i.get("meeting_date"))}
        if i.get("meeting_date")
        else _("会议日期未定"),
        _("从推选工作“%(c)s”创建，名额、选举规则和差额比例 %(m)s 取自推选工作")
        % {"c": i.get("campaign"), "m": share(i.get("margin_ratio"))}
        if i.get("from_campaign")
        else "",
    )


def _candidates_entered(i: Inputs, who: Who) -> str:
    whole = i.get("candidate_list")
    return join(
        _round(i),
        _candidates(i.get("candidates"), who, _("本次录入")),
        _candidates(whole, who, _("候选人名单（按姓氏笔画）"))
        if whole and whole != i.get("candidates")
        else "",
        _rules(i),
        sep="；",
    )


_ORIGINS = {"unit": "本单位推荐", "higher": "上级提名"}


def _candidates_taken(i: Inputs, who: Who) -> str:
    """The approved list taken as the election's candidates: where each candidacy came from
    and the approval it rests on (二下, 报批, the convening committee's approval)."""

    def line(r: Mapping[str, Any]) -> str:
        return join(
            _("产生方式：%(o)s") % {"o": _ORIGINS.get(str(r.get("origin")), r.get("origin"))}
            if r.get("origin")
            else "",
            _("提名机关：%(n)s") % {"n": r.get("nominated_by")} if r.get("nominated_by") else "",
        )

    rows = _rows(i.get("candidates"))
    if who.anyone and _mine(rows, who) is None:
        people = _("本人不在所采用的名单中（已不再是本次选举的候选人）")
    elif who.anyone:
        people = _person_list(rows, who, _("候选人（按姓氏笔画）"), line)
    else:
        people = _("候选人 %(n)d 名：%(names)s") % {
            "n": len(rows),
            "names": "、".join(
                f"{r.get('name')}（{_ORIGINS.get(str(r.get('origin')), '')}）" for r in rows
            ),
        }
    return join(
        _("采用%(org)s%(day)s批准的候选人预备人选名单")
        % {"org": i.get("approved_by") or "", "day": day(i.get("reviewed_on"))},
        _("该名单于%(d)s集体研究确定（二下），%(s)s报批")
        % {"d": day(i.get("decided_on")), "s": day(i.get("submitted_on"))}
        if i.get("decided_on")
        else "",
        _("替换此前采用的名单") if i.get("replaced_list") else "",
        people,
        _rules(i),
        sep="；",
    )


def _electorate_drawn(i: Inputs, who: Who) -> str:
    return join(
        _("截至 %(d)s") % {"d": day(i.get("on"))} if i.get("on") else "",
        _("本单位党员 %(n)s 名") % {"n": i.get("members_in_unit")},
        _("有表决权 %(n)s 名") % {"n": i.get("with_voting_rights")},
        _("无表决权 %(n)s 名") % {"n": i.get("without_voting_rights")},
    )


def _voter_excluded(i: Inputs, who: Who) -> str:
    return join(
        _("情形：%(r)s") % {"r": label("exclusion", i.get("reason"))} if i.get("reason") else "",
        _("批准：%(a)s") % {"a": i.get("approval")} if i.get("approval") else "",
        sep="；",
    )


def _staff_assigned(i: Inputs, who: Who) -> str:
    return join(
        _("%(role)s %(name)s")
        % {"role": label("staff_role", i.get("role")), "name": i.get("name") or ""},
        _("候选人 %(n)d 名，监票计票人员不在其中") % {"n": len(i["candidate_list"])}
        if isinstance(i.get("candidate_list"), list)
        else "",
        sep="；",
    )


def _election_opened(i: Inputs, who: Who) -> str:
    electorate = _map(i, "electorate")
    excluded = _rows(electorate.get("excluded"))
    staff = _rows(i.get("staff"))
    return join(
        _("应到会 %(n)s 人") % {"n": electorate.get("due")}
        if electorate.get("due") is not None
        else "",
        _("经批准不计入应到会人数 %(n)d 人") % {"n": len(excluded)} if excluded else "",
        _candidates(i.get("candidate_list"), who),
        _("监票计票人员：%(s)s")
        % {
            "s": "，".join(
                f"{label('staff_role', s.get('role'))} {s.get('name', '')}" for s in staff
            )
        }
        if staff
        else "",
        sep="；",
    )


def _attendance(i: Inputs, who: Who) -> str:
    return join(
        _("签到") if i.get("present") else _("撤销签到"),
        _("此时应到 %(d)s 人，实到 %(p)s 人") % {"d": i.get("due"), "p": i.get("present_count")}
        if i.get("due") is not None
        else "",
        sep="；",
    )


def _method_adopted(i: Inputs, who: Who) -> str:
    return join(
        _("表决时应到 %(d)s 人，实到 %(p)s 人") % {"d": i.get("due"), "p": i.get("present")}
        if i.get("due") is not None
        else "",
        _("选举办法：%(m)s") % {"m": i.get("method")} if i.get("method") else "",
        sep="；",
    )


def _round_opened(i: Inputs, who: Who) -> str:
    return join(
        join(_round(i), label("round_kind", i.get("kind")), sep=" "),
        _("应选 %(n)s 名") % {"n": i.get("seats")} if i.get("seats") is not None else "",
        _("第 %(n)s 次会议") % {"n": i.get("sitting")}
        if i.get("sitting") and i.get("sitting") != 1
        else "",
        _("接续第 %(n)s 轮") % {"n": i.get("parent_round")} if i.get("parent_round") else "",
        _("原因：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        _candidates(i.get("candidates"), who),
        sep="；",
    )


def _ballots_printed(i: Inputs, who: Who) -> str:
    first, copies = i.get("first"), i.get("copies")
    return join(
        _round(i),
        _("印制 %(n)s 张（第 %(a)s—%(b)s 张）") % {"n": copies, "a": first, "b": first + copies - 1}
        if isinstance(first, int) and isinstance(copies, int)
        else "",
        _("累计印制 %(n)s 张") % {"n": i.get("printed_total")}
        if i.get("printed_total") is not None
        else "",
        _candidates(i.get("candidates"), who, _("选票所列候选人")),
        sep="；",
    )


def _ballots_issued(i: Inputs, who: Who) -> str:
    return join(
        join(_round(i), label("round_kind", i.get("kind")), sep=" "),
        _("应选 %(n)s 名") % {"n": i.get("seats")} if i.get("seats") is not None else "",
        _("应到会 %(d)s 人，实到会 %(p)s 人")
        % {"d": i.get("due_voters"), "p": i.get("present_voters")},
        _("发出选票 %(n)s 张") % {"n": i.get("ballots_issued")},
        _candidates(i.get("candidates"), who),
        sep="；",
    )


def _batch_created(i: Inputs, who: Who) -> str:
    return join(
        _round(i),
        _("第 %(b)s 批，%(n)s 张") % {"b": i.get("batch"), "n": i.get("ballot_count")},
        sep="；",
    )


def _entry_submitted(i: Inputs, who: Who) -> str:
    return join(
        _round(i),
        _("第 %(b)s 批第 %(p)s 遍录入") % {"b": i.get("batch"), "p": i.get("pass")},
        _("%(n)s 张") % {"n": i.get("ballots")},
        _("其中存疑 %(n)s 张") % {"n": i.get("doubtful")} if i.get("doubtful") else "",
        sep="；",
    )


def _batch_settled(i: Inputs, who: Who) -> str:
    return join(
        _round(i),
        _("第 %(b)s 批核定 %(n)s 张") % {"b": i.get("batch"), "n": i.get("ballots")},
        _("其中废票 %(n)s 张") % {"n": i.get("void")} if i.get("void") is not None else "",
        _("经总监票人裁定 %(n)s 张") % {"n": i.get("decided")} if i.get("decided") else "",
        sep="；",
    )


def _ballot_decided(i: Inputs, who: Who) -> str:
    decision = _map(i, "decision")
    return join(
        _round(i),
        _("第 %(b)s 批第 %(s)s 张") % {"b": i.get("batch"), "s": i.get("seq")},
        _("两遍录入不一致，裁定为%(r)s")
        % {"r": _("废票") if decision.get("void") else _("有效票")},
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _tally_line(name: str, value: Any) -> str:
    if isinstance(value, Mapping):
        return join(
            name,
            _("赞成 %(n)s") % {"n": value.get("in_favour", value.get("for", 0))},
            _("不赞成 %(n)s") % {"n": value.get("against", 0)},
            sep=" ",
        )
    return f"{name} {value}"


def _group_totals(i: Inputs, who: Who) -> str:
    tallies = _map(i, "tallies")
    if who.name and who.name in tallies:
        tallies = {who.name: tallies[who.name]}
    write_ins = i.get("write_ins")
    return join(
        join(_round(i), str(i.get("label") or ""), sep=" "),
        _("收回 %(n)s 张，废票 %(v)s 张")
        % {"n": i.get("ballots_collected"), "v": i.get("ballots_void") or 0},
        "，".join(_tally_line(str(n), v) for n, v in tallies.items()),
        _("另选他人 %(n)d 人") % {"n": len(write_ins)}
        if isinstance(write_ins, list | Mapping) and write_ins
        else "",
        sep="；",
    )


def _person_result(r: Mapping[str, Any], elected: Iterable[str]) -> str:
    text = _("赞成 %(f)s 票，不赞成 %(a)s 票，弃权 %(b)s 票") % {
        "f": r.get("in_favour", 0),
        "a": r.get("against", 0),
        "b": r.get("abstain", 0),
    }
    won = r.get("name") in set(elected)
    return join(
        _("（另选他人）") if r.get("write_in") else "",
        text,
        _("当选") if won else _("未当选"),
        sep="，",
    ).lstrip("，")


def _round_counted(i: Inputs, who: Who) -> str:
    result = _map(i, "result")
    rows = _rows(result.get("results"))
    elected = [str(n) for n in result.get("elected") or []]
    if who.anyone:
        mine = [r for r in rows if r.get("name") == who.name]
        people = _("本人%(r)s") % {"r": _person_result(mine[0], elected)} if mine else ""
    else:
        people = "；".join(f"{r.get('name')} {_person_result(r, elected)}" for r in rows)
    runoff = _map(result, "runoff") or None
    return join(
        join(_round(i), label("round_kind", i.get("kind")), sep=" "),
        _("应选 %(n)s 名") % {"n": i.get("seats")} if i.get("seats") is not None else "",
        _("应到会 %(d)s 人，实到会 %(p)s 人")
        % {"d": i.get("due_voters"), "p": i.get("present_voters")},
        _("发出选票 %(a)s 张，收回 %(b)s 张，有效 %(c)s 张，废票 %(d)s 张")
        % {
            "a": i.get("ballots_issued"),
            "b": result.get("ballots_collected"),
            "c": result.get("ballots_valid"),
            "d": result.get("ballots_void"),
        }
        if result
        else "",
        _("当选须得赞成票 %(n)s 票以上") % {"n": result.get("votes_needed")}
        if result.get("votes_needed") is not None
        else "",
        people,
        _("当选：%(n)s") % {"n": names(elected)} if elected and not who.anyone else "",
        _("须再次投票：%(n)s，名额 %(s)s 名")
        % {"n": names(runoff.get("candidates") or []), "s": runoff.get("seats")}
        if runoff
        else "",
        _("结果：%(o)s") % {"o": label("outcome", result.get("outcome"))}
        if result.get("outcome")
        else "",
        sep="；",
    )


def _result_released(i: Inputs, who: Who) -> str:
    elected = [str(n) for n in i.get("elected") or []]
    return join(
        _round(i),
        _("结果：%(o)s") % {"o": label("outcome", i.get("outcome"))} if i.get("outcome") else "",
        (_("本人当选") if who.name in elected else _("本人未当选"))
        if who.anyone
        else (_("当选：%(n)s") % {"n": names(elected)} if elected else _("无人当选")),
        sep="；",
    )


def _concluded(i: Inputs, who: Who) -> str:
    elected = [str(n) for n in i.get("elected") or []]
    return join(
        _("当选 %(n)d 名：%(names)s") % {"n": len(elected), "names": names(elected)},
        _("应选名额减为 %(n)s 名") % {"n": i.get("seats")} if i.get("seats") is not None else "",
        sep="；",
    )


def _result_reported(i: Inputs, who: Who) -> str:
    rows = _rows(i.get("elected"))
    rounds = _rows(i.get("rounds"))
    if who.anyone:
        mine = [r for r in rows if r.get("name") == who.name]
        people = (
            _("本人第 %(r)s 轮当选，得票 %(v)s 票")
            % {"r": mine[0].get("round"), "v": mine[0].get("votes")}
            if mine
            else ""
        )
    else:
        people = "，".join(
            _("%(n)s（第 %(r)s 轮，%(v)s 票）")
            % {"n": r.get("name"), "r": r.get("round"), "v": r.get("votes")}
            for r in rows
        )
    return join(
        _("当选 %(n)d 名") % {"n": len(rows)},
        people,
        _("各轮次：%(r)s")
        % {
            "r": "，".join(
                _("第 %(n)s 轮%(k)s（%(o)s）")
                % {
                    "n": r.get("round"),
                    "k": label("round_kind", r.get("kind")),
                    "o": label("outcome", r.get("outcome")) or _("未计票"),
                }
                for r in rounds
            )
        }
        if rounds
        else "",
        sep="；",
    )


def _delegate(i: Inputs, who: Who) -> str:
    return join(
        _("%(n)s（第 %(r)s 轮当选）") % {"n": i.get("name"), "r": i.get("round")},
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _seats_reduced(i: Inputs, who: Who) -> str:
    return join(
        _round(i),
        _("应选名额由 %(a)s 名减为 %(b)s 名")
        % {"a": i.get("seats_before"), "b": i.get("seats_after")},
        _("经%(w)s同意") % {"w": label("agreed_by", i.get("agreed_by"))}
        if i.get("agreed_by")
        else "",
        _("表决 %(n)s 人：赞成 %(f)s，不赞成 %(a)s，弃权 %(b)s")
        % {
            "n": i.get("voters"),
            "f": i.get("votes_for"),
            "a": i.get("votes_against"),
            "b": i.get("votes_abstain"),
        }
        if i.get("voters") is not None
        else "",
        _("可减少名额的界限 %(r)s") % {"r": share(i.get("reduction_ratio"))}
        if i.get("reduction_ratio")
        else "",
        sep="；",
    )


def _sitting_opened(i: Inputs, who: Who) -> str:
    prev = _map(i, "previous_sitting")
    return join(
        _("第 %(n)s 次会议") % {"n": i.get("sitting")},
        _("原因：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        _("上次会议应到 %(d)s 人，实到 %(p)s 人") % {"d": prev.get("due"), "p": prev.get("present")}
        if prev
        else "",
        sep="；",
    )


# --- dossier -------------------------------------------------------------------------------


def _book_exported(i: Inputs, who: Who) -> str:
    ids = i.get("citizen_ids")
    return join(
        _("格式 %(f)s") % {"f": label("format", i.get("format"))} if i.get("format") else "",
        _("共 %(n)d 册") % {"n": len(ids)} if isinstance(ids, list) else "",
    )


def _unit_form_exported(i: Inputs, who: Who) -> str:
    return join(
        _("格式 %(f)s") % {"f": label("format", i.get("format"))} if i.get("format") else "",
        _("党组织代码 %(o)s") % {"o": i.get("organisation")} if i.get("organisation") else "",
        _("记录 %(n)s 条") % {"n": i.get("events")} if isinstance(i.get("events"), int) else "",
    )


# --- nomination ----------------------------------------------------------------------------


def _nomination_round_opened(i: Inputs, who: Who) -> str:
    units = _rows(i.get("units"))
    return join(
        _("每张推荐表可填 %(n)s 人") % {"n": i.get("names_per_form")}
        if i.get("names_per_form")
        else "",
        _("推荐人选不超过名额的 %(m)s") % {"m": _multiple(i.get("pool_multiple"))}
        if i.get("pool_multiple")
        else "",
        _("截止 %(d)s") % {"d": day(i.get("deadline"))} if i.get("deadline") else "",
        "，".join(
            _("%(u)s 名额 %(s)s 名、推荐人选上限 %(p)s 名")
            % {"u": u.get("unit"), "s": u.get("seats"), "p": u.get("pool_limit")}
            for u in units
        ),
        sep="；",
    )


def _branch(i: Inputs) -> str:
    return join(
        str(i.get("branch") or ""),
        _("（%(u)s）") % {"u": i["unit"]} if i.get("unit") else "",
        sep="",
    )


def _report_updated(i: Inputs, who: Who) -> str:
    survey = join(
        _("满意 %(n)s") % {"n": i.get("survey_satisfied")}
        if i.get("survey_satisfied") is not None
        else "",
        _("基本满意 %(n)s") % {"n": i.get("survey_basic")}
        if i.get("survey_basic") is not None
        else "",
        _("不满意 %(n)s") % {"n": i.get("survey_dissatisfied")}
        if i.get("survey_dissatisfied") is not None
        else "",
    )
    return join(
        _branch(i),
        _meeting(
            i.get("meeting_date"),
            i.get("meeting_place"),
            i.get("presider"),
            i.get("members_due"),
            i.get("members_present"),
            _("推荐会议"),
        ),
        _("责任人 %(p)s") % {"p": i.get("accountable_person")}
        if i.get("accountable_person")
        else "",
        _("录入方式 %(m)s") % {"m": label("entry_mode", i.get("mode"))} if i.get("mode") else "",
        _("满意度测评 %(t)s 份：%(s)s") % {"t": i.get("survey_total"), "s": survey}
        if i.get("survey_total")
        else "",
        sep="；",
    )


def _form_entered(i: Inputs, who: Who) -> str:
    people = _list(i, "candidates")
    me = who.citizen_id in people if who.citizen_id else False
    return join(
        _branch(i),
        _("第 %(n)s 张推荐表") % {"n": i.get("form_no")},
        _("预备党员填写") if i.get("probationary") else "",
        _("推荐 %(n)d 人") % {"n": len(people)},
        _("含本人") if me else "",
        sep="；",
    )


def _totals_entered(i: Inputs, who: Who) -> str:
    return join(
        _branch(i), _person_list(_rows(i.get("counts")), who, _("推荐人选"), _votes), sep="；"
    )


def _participation(i: Inputs, who: Who) -> str:
    modes = _map(i, "modes")
    by_mode = _map(i, "by_mode")
    if not by_mode and modes:
        counted: dict[str, int] = {}
        for m in modes.values():
            counted[str(m)] = counted.get(str(m), 0) + 1
        by_mode = counted
    total = sum(int(n) for n in by_mode.values() if isinstance(n, int))
    mine = ""
    if who.citizen_id and who.citizen_id in modes:
        mine = _("本人参与方式 %(m)s") % {"m": label("participation", modes[who.citizen_id])}
    return join(
        _branch(i),
        _("参与推荐 %(n)d 人：%(m)s")
        % {
            "n": total,
            "m": "，".join(f"{label('participation', m)} {n} 人" for m, n in by_mode.items()),
        },
        mine,
        sep="；",
    )


def _nomination_imported(i: Inputs, who: Who) -> str:
    unit_word = _("张推荐表") if i.get("mode") == "forms" else _("人")
    return join(
        _branch(i),
        _("文件 %(f)s") % {"f": i.get("file")} if i.get("file") else "",
        _("录入方式 %(m)s") % {"m": label("entry_mode", i.get("mode"))} if i.get("mode") else "",
        _("导入 %(n)s %(u)s") % {"n": i.get("taken"), "u": unit_word}
        if i.get("taken") is not None
        else "",
        sep="；",
    )


def _report_submitted(i: Inputs, who: Who) -> str:
    meeting = _map(i, "meeting")
    flags = _map(i, "flags")
    participation = _map(i, "participation")
    my_flags = flags.get(who.citizen_id) if who.citizen_id else None
    return join(
        _branch(i),
        _meeting(
            meeting.get("date"),
            meeting.get("place"),
            meeting.get("presider"),
            meeting.get("members_due"),
            meeting.get("members_present"),
            _("推荐会议"),
        ),
        _("参与方式：%(p)s")
        % {"p": "，".join(f"{label('participation', m)} {n} 人" for m, n in participation.items())}
        if participation
        else "",
        _("录入方式 %(m)s") % {"m": label("entry_mode", i.get("mode"))} if i.get("mode") else "",
        _("推荐表 %(n)s 张") % {"n": i.get("forms")} if i.get("forms") else "",
        _person_list(_rows(i.get("counts")), who, _("推荐人选"), _votes),
        _("提示：%(f)s") % {"f": "；".join(str(f) for f in my_flags)} if my_flags else "",
        _("逾期理由：%(r)s") % {"r": i.get("late_reason")} if i.get("late_reason") else "",
        sep="；",
    )


def _report_corrected(i: Inputs, who: Who) -> str:
    return join(
        _branch(i),
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        _("更正前：%(b)s")
        % {"b": _person_list(_rows(i.get("before")), who, _("推荐人选"), _votes)},
        _("更正后：%(a)s") % {"a": _person_list(_rows(i.get("after")), who, _("推荐人选"), _votes)},
        sep="；",
    )


def _org_recommended(i: Inputs, who: Who) -> str:
    return join(
        _("推荐 %(n)s") % {"n": i.get("name")} if i.get("name") else "",
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _list_line(row: Mapping[str, Any]) -> str:
    return join(
        _("得票 %(v)s 票") % {"v": row.get("votes")} if row.get("votes") is not None else "",
        _("组织推荐") if row.get("org_recommended") else "",
    )


def _list_decided(i: Inputs, who: Who) -> str:
    return join(
        _("名单类别 %(k)s") % {"k": label("list_kind", i.get("kind"))} if i.get("kind") else "",
        _meeting(
            i.get("decided_on"),
            None,
            None,
            i.get("attendance_due"),
            i.get("attendance_present"),
            _("集体研究"),
        ),
        _("决定：%(d)s") % {"d": i.get("decision")} if i.get("decision") else "",
        _("名额 %(s)s 名") % {"s": i.get("seats")} if i.get("seats") is not None else "",
        _("推荐人选上限 %(p)s 名") % {"p": i.get("pool_limit")}
        if i.get("pool_limit") is not None
        else "",
        _("候选人预备人选不少于 %(m)s 名") % {"m": i.get("minimum_candidates")}
        if i.get("minimum_candidates") is not None
        else "",
        _person_list(_rows(i.get("list")), who, _("名单"), _list_line),
        sep="；",
    )


def _handed_down(i: Inputs, who: Who) -> str:
    return _person_list(_rows(i.get("list")), who, _("下发名单"), lambda r: "")


def _exemption(i: Inputs, who: Who) -> str:
    warning = i.get("warning")
    return join(
        _("决定日期 %(d)s") % {"d": day(i.get("decided_on"))} if i.get("decided_on") else "",
        _("决定：%(d)s") % {"d": i.get("decision")} if i.get("decision") else "",
        _("交叉情况：%(w)s") % {"w": "；".join(str(w) for w in warning)}
        if isinstance(warning, list) and warning
        else "",
        sep="；",
    )


def _round_closed(i: Inputs, who: Who) -> str:
    overdue = [str(n) for n in _list(i, "overdue_branches")]
    return join(
        _("%(u)s 的%(s)s结束") % {"u": i.get("unit"), "s": label("stage", i.get("stage"))}
        if i.get("unit")
        else _("%(s)s结束") % {"s": label("stage", i.get("stage"))},
        _("结束日期 %(d)s") % {"d": day(i.get("closed_on"))} if i.get("closed_on") else "",
        _("截止日期 %(d)s") % {"d": day(i.get("deadline"))} if i.get("deadline") else "",
        _("按逾期未报处理 %(n)d 个党支部：%(b)s") % {"n": len(overdue), "b": "、".join(overdue)}
        if overdue
        else "",
        _("说明：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _review_line(row: Mapping[str, Any], who: Who) -> str:
    out = _rows(row.get("out"))
    into = _rows(row.get("in"))
    mine = ""
    if who.anyone:
        if _mine(out, who):
            mine = _("本人按排名将移出前列")
        elif _mine(into, who):
            mine = _("本人按排名将进入前列")
    return join(
        _("%(o)s 的%(k)s须复核")
        % {"o": row.get("organisation"), "k": label("list_kind", row.get("kind"))},
        mine
        or join(
            _("移出 %(p)s") % {"p": "、".join(str(r.get("name")) for r in out)} if out else "",
            _("移入 %(p)s") % {"p": "、".join(str(r.get("name")) for r in into)} if into else "",
        ),
    )


def _late_admitted(i: Inputs, who: Who) -> str:
    review = _rows(i.get("review"))
    return join(
        _("一上结束后由上级党组织决定受理"),
        _report_submitted(i, who),
        "；".join(_review_line(r, who) for r in review) if review else _("已确定的名单不受影响"),
        sep="；",
    )


def _list_reopened(i: Inputs, who: Who) -> str:
    return join(
        _("%(o)s 决定重新研究%(d)s确定的%(k)s")
        % {
            "o": i.get("level") or "",
            "d": day(i.get("decided_on")),
            "k": label("list_kind", i.get("kind")),
        },
        _("决定日期 %(d)s") % {"d": day(i.get("reopened_on"))} if i.get("reopened_on") else "",
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        _("已有 %(n)s 个党支部报送二上意见") % {"n": i.get("feedback_count")}
        if i.get("feedback_count")
        else "",
        _("复核情况：%(r)s") % {"r": i.get("review_note")} if i.get("review_note") else "",
        _person_list(_rows(i.get("list")), who, _("原名单"), lambda r: ""),
        sep="；",
    )


def _view_line(row: Mapping[str, Any]) -> str:
    return _("赞成 %(a)s 票，不赞成 %(d)s 票，弃权 %(b)s 票") % {
        "a": row.get("agree", 0),
        "d": row.get("disagree", 0),
        "b": row.get("abstain", 0),
    }


def _feedback(i: Inputs, who: Who) -> str:
    views = _rows(i.get("views"))
    write_ins = _rows(i.get("write_ins"))
    mine_in = _mine(write_ins, who) if who.anyone else None
    return join(
        _meeting(
            i.get("meeting_date"),
            None,
            None,
            i.get("members_due"),
            i.get("members_present"),
            _("二上会议"),
        ),
        _person_list(views, who, _("考察对象"), _view_line)
        if views and (not who.anyone or _mine(views, who))
        else "",
        _("本人被另提为人选，%(v)s") % {"v": _votes(mine_in[1])}
        if mine_in
        else (
            _("另提人选：%(p)s")
            % {"p": "，".join(join(str(r.get("name", "")), _votes(r), sep=" ") for r in write_ins)}
            if write_ins and not who.anyone
            else ""
        ),
        _("期限 %(d)s") % {"d": day(i.get("deadline"))} if i.get("deadline") else "",
        _("逾期理由：%(r)s") % {"r": i.get("late_reason")} if i.get("late_reason") else "",
        sep="；",
    )


# --- corrections ---------------------------------------------------------------------------


# What each corrected fact is called on the form, and how its value reads: a date, a count
# of people or words someone typed.
_CORRECTION_LABELS: dict[str, tuple[str, str]] = {
    "meeting_date": ("会议日期", "date"),
    "meeting_place": ("会议地点", "text"),
    "presider": ("主持人", "text"),
    "members_due": ("应到会党员", "count"),
    "members_present": ("实到会党员", "count"),
    "decided_on": ("研究日期", "date"),
    "attendance_due": ("应到会人数", "count"),
    "attendance_present": ("实到会人数", "count"),
    "decision": ("研究决定", "text"),
}


def _corrected_fact(key: str, old: Any, new: Any) -> str:
    title, kind = _CORRECTION_LABELS[key]
    if kind == "count":
        return _("%(what)s由 %(old)s 人改为 %(new)s 人") % {"what": title, "old": old, "new": new}
    if kind == "date":
        return _("%(what)s由 %(old)s 改为 %(new)s") % {
            "what": title,
            "old": day(old) or _("空"),
            "new": day(new) or _("空"),
        }
    return _("%(what)s由“%(old)s”改为“%(new)s”") % {
        "what": title,
        "old": old or _("空"),
        "new": new or _("空"),
    }


def _corrected_facts(i: Inputs, what: str) -> str:
    """ "更正会议情况：实到会党员由 6 人改为 7 人；理由：……" from ``before``/``after``."""
    before, after = _map(i, "before"), _map(i, "after")
    changed = [str(k) for k in _list(i, "changed")] or [
        k for k in after if before.get(k) != after.get(k)
    ]
    # A fact this wording does not know is left out rather than shown by its key.
    parts = [
        _corrected_fact(k, before.get(k), after.get(k)) for k in changed if k in _CORRECTION_LABELS
    ]
    return join(
        _("更正%(w)s：%(p)s") % {"w": what, "p": "，".join(parts)} if parts else "",
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _meeting_date_set(i: Inputs, who: Who) -> str:
    new = day(i.get("meeting_date"))
    if not i.get("previous_date"):
        return join(
            _("确定会议日期为 %(d)s") % {"d": new},
            _("说明：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
            sep="；",
        )
    return join(
        _("会议日期由 %(a)s 更正为 %(b)s") % {"a": day(i.get("previous_date")), "b": new},
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _meeting_corrected(i: Inputs, who: Who) -> str:
    return join(_branch(i), _corrected_facts(i, _("推荐会议情况")), sep="；")


def _feedback_corrected(i: Inputs, who: Who) -> str:
    return join(_branch(i), _corrected_facts(i, _("二上会议情况")), sep="；")


def _list_corrected(i: Inputs, who: Who) -> str:
    return join(
        _("名单类别 %(k)s") % {"k": label("list_kind", i.get("kind"))} if i.get("kind") else "",
        _corrected_facts(i, _("集体研究决定")),
        sep="；",
    )


# --- vetting ------------------------------------------------------------------------------

_FINDING = {"clear": "无问题", "problem": "有问题"}
_REPLY = {"clear": "无不良记录", "problem": "有问题", "further": "需进一步核查"}
_OPINION = {"agree": "同意列为初步人选", "disagree": "不同意列为初步人选"}


def _word(table: Mapping[str, str], value: Any) -> str:
    if value in (None, ""):
        return ""
    return table.get(str(value)) or (str(value) if not _CODE.fullmatch(str(value)) else "")


def _text_of(key: str, title: str, i: Inputs) -> str:
    value = i.get(key)
    return f"{title}：{value}" if value not in (None, "", []) else ""


def _vetting_settings(i: Inputs, who: Who) -> str:
    new = _map(i, "new")
    return join(
        _("六必查项目：%(v)s") % {"v": names(_list(new, "check_items"))}
        if new.get("check_items")
        else "",
        _("联审部门：%(v)s") % {"v": names(_list(new, "departments"))}
        if new.get("departments")
        else "",
        _("民主测评维度：%(v)s") % {"v": names(_list(new, "evaluation_dimensions"))}
        if new.get("evaluation_dimensions")
        else "",
        _("不予考虑理由：%(v)s") % {"v": names(_list(new, "not_considered_reasons"))}
        if new.get("not_considered_reasons")
        else "",
        _("部门回复时限 %(n)s 个工作日") % {"n": new.get("reply_working_days")}
        if new.get("reply_working_days") is not None
        else "",
        sep="；",
    )


def _vetting_cases_opened(i: Inputs, who: Who) -> str:
    return join(
        _("考察对象名单确定于 %(d)s") % {"d": day(i.get("decided_on"))}
        if i.get("decided_on")
        else "",
        _person_list(_rows(i.get("persons")), who, _("考察对象"), lambda r: ""),
        sep="；",
    )


def _roster(i: Mapping[str, Any]) -> str:
    outside = [r.get("name") for r in _rows(i.get("outside_members"))]
    return join(
        _("组长 %(n)s") % {"n": i.get("leader")} if i.get("leader") else "",
        _("成员 %(n)s") % {"n": names([*_list(i, "members"), *outside])}
        if i.get("members") or outside
        else "",
    )


def _vetting_team_formed(i: Inputs, who: Who) -> str:
    return join(
        str(i.get("name") or ""),
        _("组建于 %(d)s") % {"d": day(i.get("formed_on"))} if i.get("formed_on") else "",
        _roster(i),
        sep="；",
    )


def _vetting_team_changed(i: Inputs, who: Who) -> str:
    return join(
        _text_of("reason", _("调整理由"), i),
        _("调整后：%(r)s") % {"r": _roster(_map(i, "after"))} if i.get("after") else "",
        sep="；",
    )


def _vetting_assigned(i: Inputs, who: Who) -> str:
    return join(
        _("交由%(t)s考察") % {"t": i.get("team")} if i.get("team") else "",
        _person_list(_rows(i.get("persons")), who, _("考察对象"), lambda r: ""),
        sep="；",
    )


def _vetting_notice(i: Inputs, who: Who) -> str:
    return join(
        _("预告发布于 %(d)s") % {"d": day(i.get("issued_on"))} if i.get("issued_on") else "",
        _("考察时间 %(a)s至%(b)s") % {"a": day(i.get("starts_on")), "b": day(i.get("ends_on"))}
        if i.get("starts_on")
        else "",
        _text_of("scope", _("预告范围"), i),
        _("联系人 %(p)s %(t)s")
        % {"p": i.get("contact_person") or "", "t": i.get("contact_phone") or ""}
        if i.get("contact_person")
        else "",
        _person_list(_rows(i.get("persons")), who, _("考察对象"), lambda r: ""),
        sep="；",
    )


def _vetting_talks(i: Inputs, who: Who) -> str:
    counts = _map(i, "counts")
    total = sum(int(v) for v in counts.values() if isinstance(v, int))
    return join(
        _("个别谈话共 %(n)d 人") % {"n": total},
        "、".join(_("%(c)s %(n)s 人") % {"c": c, "n": n} for c, n in counts.items()),
        sep="：",
    )


def _vetting_talk_note(i: Inputs, who: Who) -> str:
    return join(
        _("谈话日期 %(d)s") % {"d": day(i.get("talked_on"))} if i.get("talked_on") else "",
        _("谈话对象类别：%(c)s") % {"c": i.get("category")} if i.get("category") else "",
        _("谈话记录由考察组保存"),
        sep="；",
    )


def _grades(counts: Any) -> str:
    if not isinstance(counts, Mapping):
        return ""
    parts = []
    for dim, row in counts.items():
        if isinstance(row, Mapping):
            body = "、".join(f"{g} {n}" for g, n in row.items())
            parts.append(f"{dim}：{body}")
    return "；".join(parts)


def _evaluation_line(r: Mapping[str, Any]) -> str:
    return join(
        day(r.get("held_on")),
        _("应参加 %(n)s 人") % {"n": r.get("due")} if r.get("due") is not None else "",
        _("实参加 %(n)s 人") % {"n": r.get("participants")}
        if r.get("participants") is not None
        else "",
    )


def _vetting_evaluation(i: Inputs, who: Who) -> str:
    return join(
        _("民主测评：%(l)s") % {"l": _evaluation_line(i)}, _grades(i.get("counts")), sep="；"
    )


def _vetting_evaluation_imported(i: Inputs, who: Who) -> str:
    return join(
        _("文件 %(f)s") % {"f": i.get("file_name")} if i.get("file_name") else "",
        _person_list(_rows(i.get("rows")), who, _("民主测评"), _evaluation_line),
        sep="；",
    )


def _vetting_report(i: Inputs, who: Who) -> str:
    return join(
        _text_of("material", _("考察材料"), i),
        _("考察组意见：%(o)s") % {"o": _word(_OPINION, i.get("opinion"))}
        if i.get("opinion")
        else "",
        _text_of("reasons", _("理由"), i),
        sep="；",
    )


def _vetting_signed(i: Inputs, who: Who) -> str:
    return join(
        _("签署日期 %(d)s") % {"d": day(i.get("signed_on"))} if i.get("signed_on") else "",
        _("考察组意见：%(o)s") % {"o": _word(_OPINION, i.get("opinion"))}
        if i.get("opinion")
        else "",
        _text_of("reasons", _("理由"), i),
        sep="；",
    )


def _vetting_check(i: Inputs, who: Who) -> str:
    date = i.get("checked_on") or i.get("done_on")
    by = i.get("checked_by") or i.get("done_by")
    return join(
        _("项目：%(i)s") % {"i": i.get("item")} if i.get("item") else "",
        day(date),
        _("经办人 %(p)s") % {"p": by} if by else "",
        _("结论：%(f)s") % {"f": _word(_FINDING, i.get("finding"))} if i.get("finding") else "",
        _text_of("detail", _("具体情况"), i),
        _("认定为一票否决情形：%(d)s") % {"d": i.get("disqualification")}
        if i.get("disqualification")
        else "",
        sep="；",
    )


def _vetting_requested(i: Inputs, who: Who) -> str:
    return join(
        _("联审部门：%(d)s") % {"d": i.get("department")} if i.get("department") else "",
        _("发函日期 %(d)s") % {"d": day(i.get("sent_on"))} if i.get("sent_on") else "",
        _("%(n)s 个工作日内回复，截止 %(d)s")
        % {"n": i.get("working_days"), "d": day(i.get("due_on"))}
        if i.get("due_on")
        else "",
        _person_list(_rows(i.get("persons")), who, _("审查对象"), lambda r: ""),
        sep="；",
    )


def _vetting_reminded(i: Inputs, who: Who) -> str:
    waiting = _list(i, "waiting")
    return join(
        _("联审部门：%(d)s") % {"d": i.get("department")} if i.get("department") else "",
        _("第 %(n)s 次催办，%(d)s") % {"n": i.get("reminder"), "d": day(i.get("reminded_on"))}
        if i.get("reminded_on")
        else "",
        _("回复截止 %(d)s") % {"d": day(i.get("due_on"))} if i.get("due_on") else "",
        _("%(n)d 人未回复") % {"n": len(waiting)} if who.anyone else names(waiting),
        _text_of("note", _("说明"), i),
        sep="；",
    )


def _reply_line(r: Mapping[str, Any]) -> str:
    return join(
        _word(_REPLY, r.get("outcome")),
        str(r.get("detail") or ""),
        _("审查人 %(p)s") % {"p": r.get("reviewer")} if r.get("reviewer") else "",
        day(r.get("replied_on")),
        _("逾期回复") if r.get("late") else "",
    )


def _vetting_replied(i: Inputs, who: Who) -> str:
    return join(
        _("联审部门：%(d)s") % {"d": i.get("department")} if i.get("department") else "",
        _("审查意见：%(l)s") % {"l": _reply_line(i)},
        sep="；",
    )


def _vetting_replies_imported(i: Inputs, who: Who) -> str:
    return join(
        _("联审部门：%(d)s") % {"d": i.get("department")} if i.get("department") else "",
        _("文件 %(f)s") % {"f": i.get("file_name")} if i.get("file_name") else "",
        _person_list(_rows(i.get("replies")), who, _("审查意见"), _reply_line),
        sep="；",
    )


def _vetting_veto(i: Inputs, who: Who) -> str:
    return join(
        _("否决情形：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        _("来源：%(s)s") % {"s": i.get("source_label")} if i.get("source_label") else "",
        _text_of("finding", _("发现的问题"), i),
        sep="；",
    )


def _vetting_veto_lifted(i: Inputs, who: Who) -> str:
    return join(
        _("解除的否决情形：%(r)s") % {"r": i.get("reason_vetoed")}
        if i.get("reason_vetoed")
        else "",
        _meeting(
            i.get("decided_on"),
            None,
            None,
            i.get("attendance_due"),
            i.get("attendance_present"),
            _("集体研究"),
        ),
        _text_of("lift_reason", _("解除理由"), i),
        sep="；",
    )


def _vetting_flagged(i: Inputs, who: Who) -> str:
    return join(
        _("资格复核：%(f)s") % {"f": i.get("flag")} if i.get("flag") else _("此前的问题已不存在"),
        _("依据：%(s)s") % {"s": i.get("source")} if i.get("source") else "",
        sep="；",
    )


def _vetting_decided(i: Inputs, who: Who) -> str:
    def line(r: Mapping[str, Any]) -> str:
        verdict = _("列为初步人选") if r.get("selected") else _("未列为初步人选")
        return join(_("同意 %(n)s 票") % {"n": r.get("votes")}, verdict)

    return join(
        _meeting(
            i.get("decided_on"),
            None,
            None,
            i.get("attendance_due"),
            i.get("attendance_present"),
            _("集体研究"),
        ),
        _("决定：%(d)s") % {"d": i.get("decision")} if i.get("decision") else "",
        _person_list(_rows(i.get("votes")), who, _("研究名单"), line),
        sep="；",
    )


def _vetting_closed(i: Inputs, who: Who) -> str:
    date = i.get("decided_on") or i.get("withdrawn_on")
    return join(
        day(date),
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        _text_of("detail", _("具体情况"), i),
        sep="；",
    )


# --- notice --------------------------------------------------------------------------------


def _notice_word(table: Mapping[Any, str], value: Any) -> str:
    return _word({str(k.value): v for k, v in table.items()}, value)


def _notice(i: Inputs, who: Who) -> str:
    what = _notice_word(notice_domain.NOTICE_KIND_LABELS, i.get("kind"))
    return join(
        _("%(w)s公示") % {"w": what} if what else "",
        _notice_word(notice_domain.SCOPE_LABELS, i.get("scope")),
        _("公示渠道：%(c)s") % {"c": names(_list(i, "channels"))} if i.get("channels") else "",
        _("公示期 %(n)s 个工作日") % {"n": i.get("working_days")}
        if i.get("working_days") is not None
        else "",
        _("%(a)s起至%(b)s止") % {"a": day(i.get("published_on")), "b": day(i.get("ends_on"))}
        if i.get("published_on")
        else "",
        _("%(d)s结束公示") % {"d": day(i.get("closed_on"))} if i.get("closed_on") else "",
        _("受理电话 %(p)s") % {"p": i.get("contact_phone")} if i.get("contact_phone") else "",
        _person_list(_rows(i.get("persons")), who, _("公示对象"), lambda r: ""),
        sep="；",
    )


def _notice_extended(i: Inputs, who: Who) -> str:
    return join(
        _("公示期由 %(a)s 个工作日延长至 %(b)s 个工作日")
        % {"a": i.get("old_working_days"), "b": i.get("working_days")},
        _("截止日期由%(a)s改为%(b)s") % {"a": day(i.get("old_ends_on")), "b": day(i.get("ends_on"))}
        if i.get("ends_on")
        else "",
        _text_of("reason", _("理由"), i),
        sep="；",
    )


def _objection_received(i: Inputs, who: Who) -> str:
    return join(
        _("%(d)s收到反映%(n)s的举报") % {"d": day(i.get("received_on")), "n": i.get("name") or ""},
        _("反映方式：%(c)s") % {"c": _notice_word(notice_domain.CHANNEL_LABELS, i.get("channel"))}
        if i.get("channel")
        else "",
        _("匿名") if i.get("anonymous") else _("署名"),
        _("附材料 %(n)s 份") % {"n": i.get("attachments")} if i.get("attachments") else "",
        _("反映内容由召集机关、承办人和监督人员掌握"),
        sep="；",
    )


def _objection_assigned(i: Inputs, who: Who) -> str:
    return join(
        _("%(d)s交由%(h)s核查") % {"d": day(i.get("assigned_on")), "h": i.get("handler") or ""},
        _("原承办人 %(h)s") % {"h": i.get("previous_handler")} if i.get("previous_handler") else "",
        sep="；",
    )


def _objection_investigated(i: Inputs, who: Who) -> str:
    return join(
        _("%(d)s核查完毕") % {"d": day(i.get("investigated_on"))},
        _("核查情况由召集机关、承办人和监督人员掌握"),
        sep="；",
    )


def _objection_concluded(i: Inputs, who: Who) -> str:
    return join(
        _("%(r)s收到的举报于%(d)s办结")
        % {"r": day(i.get("received_on")), "d": day(i.get("concluded_on"))},
        _("结论：%(c)s")
        % {"c": _notice_word(notice_domain.CONCLUSION_LABELS, i.get("conclusion"))},
        _("一票否决情形：%(q)s") % {"q": i.get("disqualification")}
        if i.get("disqualification")
        else "",
        _("不予考虑") if i.get("set_aside") else "",
        sep="；",
    )


def _placement(i: Inputs, who: Who) -> str:
    return join(
        _("%(o)s提名，安排在%(u)s") % {"o": i.get("nominated_by") or "", "u": i.get("unit") or ""},
        day(i.get("placed_on")),
        _text_of("reason", _("提名理由"), i),
        sep="；",
    )


def _slate(i: Inputs, who: Who) -> str:
    return join(
        _("名额 %(s)s 名，差额比例 %(r)s，建议名单 %(n)s 名")
        % {"s": i.get("seats"), "r": share(i.get("ratio")), "n": i.get("list_size")},
        _("可供选择的人选 %(n)s 名") % {"n": i.get("pool_size")},
        _("结构比例：%(t)s") % {"t": "、".join(str(t) for t in _list(i, "targets"))}
        if i.get("targets")
        else "",
        _("建议：%(n)s，推荐得票合计 %(v)s 票")
        % {"n": names(_list(i, "suggested_names")), "v": i.get("total_support")}
        if i.get("feasible")
        else _("结构比例无法同时满足，未形成建议"),
        _("建议名单仅供参考，以集体研究决定为准"),
        sep="；",
    )


def _candidate_list_decided(i: Inputs, who: Who) -> str:
    def line(r: Mapping[str, Any]) -> str:
        verdict = _("确定为候选人预备人选") if r.get("selected") else _("未确定为候选人预备人选")
        return join(
            _("同意 %(n)s 票") % {"n": r.get("votes")},
            verdict,
            _notice_word(notice_domain.ORIGIN_LABELS, r.get("origin")),
        )

    return join(
        _meeting(
            i.get("decided_on"),
            None,
            None,
            i.get("attendance_due"),
            i.get("attendance_present"),
            _("集体研究"),
        ),
        _("决定：%(d)s") % {"d": i.get("decision")} if i.get("decision") else "",
        _("名额 %(s)s 名，按差额比例 %(r)s 至少 %(m)s 名")
        % {"s": i.get("seats"), "r": share(i.get("ratio")), "m": i.get("minimum")}
        if i.get("seats") is not None
        else "",
        _("参考了系统测算的建议名单") if i.get("adopted_suggestion") else "",
        _person_list(_rows(i.get("votes")), who, _("研究名单"), line),
        sep="；",
    )


def _list_submitted(i: Inputs, who: Who) -> str:
    return join(
        _("%(d)s报召集机关审批") % {"d": day(i.get("submitted_on"))},
        _text_of("method", _("产生方法"), i),
        _text_of("principles", _("把握的原则"), i),
        _person_list(_rows(i.get("persons")), who, _("候选人预备人选"), lambda r: ""),
        sep="；",
    )


def _list_reviewed(i: Inputs, who: Who) -> str:
    def line(r: Mapping[str, Any]) -> str:
        return _("退回意见：%(r)s") % {"r": r.get("reason")} if r.get("reason") else ""

    return join(
        _("%(d)s%(o)s")
        % {
            "d": day(i.get("reviewed_on")),
            "o": _notice_word(notice_domain.OUTCOME_LABELS, i.get("outcome")),
        },
        _text_of("reason", _("审批意见"), i),
        _person_list(_rows(i.get("persons")), who, _("候选人预备人选"), line),
        sep="；",
    )


def _activity_recorded(i: Inputs, who: Who) -> str:
    return join(
        label("activity_kind", i.get("kind")),
        _("“%(t)s”") % {"t": i.get("title")} if i.get("title") else "",
        _("%(o)s开展") % {"o": i.get("organisation")} if i.get("organisation") else "",
        _("日期 %(d)s") % {"d": day(i.get("held_on"))} if i.get("held_on") else "",
        _("参加 %(n)s 人") % {"n": i.get("participants")} if i.get("participants") else "",
        _("情况：%(n)s") % {"n": i.get("note")} if i.get("note") else "",
        sep="；",
    )


# --- oversight ---------------------------------------------------------------------------


def _report_sent(i: Inputs, who: Who) -> str:
    overdue = _list(i, "overdue_units")
    low = _list(i, "low_units")
    return join(
        _("报告日期 %(d)s") % {"d": day(i.get("report_date"))} if i.get("report_date") else "",
        _("报送%(r)s") % {"r": i.get("recipient")} if i.get("recipient") else "",
        _("选举单位 %(n)s 个") % {"n": i.get("units")} if i.get("units") is not None else "",
        _("逾期单位：%(u)s") % {"u": names(overdue)} if overdue else "",
        _("参与率或规定活动未达目标：%(u)s") % {"u": names(low)} if low else "",
        sep="；",
    )


def _finding_head(i: Inputs) -> str:
    return join(
        label("finding_kind", i.get("kind")),
        _("“%(t)s”") % {"t": i.get("title")} if i.get("title") else "",
        _("责任党组织 %(o)s") % {"o": i.get("organisation")} if i.get("organisation") else "",
        _("答复期限 %(d)s") % {"d": day(i.get("due_on"))} if i.get("due_on") else "",
    )


def _finding_raised(i: Inputs, who: Who) -> str:
    return join(
        _finding_head(i),
        _("涉及人员 %(p)s") % {"p": i.get("person")} if i.get("person") else "",
        _("涉及环节：%(s)s") % {"s": i.get("step")} if i.get("step") else "",
        _("意见：%(t)s") % {"t": i.get("text")} if i.get("text") else "",
        sep="；",
    )


def _finding_answered(i: Inputs, who: Who) -> str:
    return join(
        _finding_head(i),
        _("答复：%(a)s") % {"a": i.get("answer")} if i.get("answer") else "",
        _("逾期答复") if i.get("late") else "",
        sep="；",
    )


def _finding_concluded(i: Inputs, who: Who) -> str:
    return join(
        _finding_head(i),
        _("监督保卫组意见：%(c)s") % {"c": i.get("conclusion")} if i.get("conclusion") else "",
        sep="；",
    )


def _survey_entered(i: Inputs, who: Who) -> str:
    before = i.get("before")
    return join(
        _("%(u)s") % {"u": i.get("unit")} if i.get("unit") else "",
        _("测评日期 %(d)s") % {"d": day(i.get("held_on"))} if i.get("held_on") else "",
        _("参加 %(n)s 人") % {"n": i.get("participants")}
        if i.get("participants") is not None
        else "",
        _("满意 %(a)s，基本满意 %(b)s，不满意 %(c)s")
        % {"a": i.get("satisfied"), "b": i.get("basic"), "c": i.get("dissatisfied")},
        _("更正前：满意 %(a)s，基本满意 %(b)s，不满意 %(c)s")
        % {"a": before.get("satisfied"), "b": before.get("basic"), "c": before.get("dissatisfied")}
        if isinstance(before, Mapping)
        else "",
        _("理由：%(r)s") % {"r": i.get("reason")} if i.get("reason") else "",
        sep="；",
    )


def _alert_acknowledged(i: Inputs, who: Who) -> str:
    return join(
        label("alert_kind", i.get("kind")),
        _("“%(a)s”") % {"a": i.get("alert")} if i.get("alert") else "",
        _("%(d)s 发出") % {"d": day(i.get("raised_on"))} if i.get("raised_on") else "",
    )


# --- the table -----------------------------------------------------------------------------

TEMPLATES: dict[EventType, Template] = {
    # registry
    EventType.ORGANISATIONS_IMPORTED: _imported,
    EventType.MEMBERS_IMPORTED: _imported,
    EventType.OUTSIDE_LIST_IMPORTED: _imported,
    EventType.MEMBER_CHANGED: _member_changed,
    # core
    EventType.USER_CREATED: _user_created,
    EventType.USER_ROLE_CHANGED: _user_role_changed,
    EventType.USERS_IMPORTED: _users_imported,
    EventType.USER_CHANGED: _user_changed,
    EventType.USER_UNLOCKED: _user_unlocked,
    EventType.LOGIN_ADDRESS_UNLOCKED: _address_unlocked,
    EventType.USER_PASSWORD_RESET: _password_reset,
    EventType.USER_PASSWORD_CHANGED: _password_changed,
    EventType.USER_DISABLED: _user_disabled,
    EventType.USER_ENABLED: _user_enabled,
    # campaign
    EventType.CAMPAIGN_CREATED: _campaign_created,
    EventType.CAMPAIGN_SETTINGS_CHANGED: _settings_changed,
    EventType.CAMPAIGN_STATUS_CHANGED: _status_changed,
    EventType.UNIT_ADDED: _unit_state,
    EventType.UNIT_REMOVED: _unit_state,
    EventType.UNIT_CHANGED: _unit_changed,
    EventType.ALLOCATION_PROPOSED: _allocation_proposed,
    EventType.ALLOCATION_ADJUSTED: _allocation_adjusted,
    EventType.ALLOCATION_CONFIRMED: _allocation_confirmed,
    EventType.ALLOCATION_REOPENED: _reason_only,
    EventType.TARGET_ADDED: _target_added,
    EventType.TARGET_REMOVED: _target_removed,
    EventType.MILESTONES_PLANNED: _milestones_planned,
    EventType.MILESTONE_CHANGED: _milestone_changed,
    EventType.MILESTONE_COMPLETED: _milestone_completed,
    EventType.CALENDAR_OVERRIDE_SET: _calendar_set,
    EventType.CALENDAR_OVERRIDE_REMOVED: _calendar_removed,
    # election
    EventType.ELECTION_CREATED: _election_created,
    EventType.ELECTION_CANDIDATES_ENTERED: _candidates_entered,
    EventType.ELECTION_CANDIDATES_TAKEN: _candidates_taken,
    EventType.ELECTION_ELECTORATE_DRAWN: _electorate_drawn,
    EventType.ELECTION_VOTER_EXCLUDED: _voter_excluded,
    EventType.ELECTION_STAFF_ASSIGNED: _staff_assigned,
    EventType.ELECTION_OPENED: _election_opened,
    EventType.ELECTION_ATTENDANCE_CHANGED: _attendance,
    EventType.ELECTION_METHOD_ADOPTED: _method_adopted,
    EventType.ELECTION_ROUND_OPENED: _round_opened,
    EventType.ELECTION_BALLOTS_PRINTED: _ballots_printed,
    EventType.ELECTION_BALLOTS_ISSUED: _ballots_issued,
    EventType.ELECTION_BATCH_CREATED: _batch_created,
    EventType.ELECTION_ENTRY_SUBMITTED: _entry_submitted,
    EventType.ELECTION_BATCH_SETTLED: _batch_settled,
    EventType.ELECTION_BALLOT_DECIDED: _ballot_decided,
    EventType.ELECTION_GROUP_TOTALS_ENTERED: _group_totals,
    EventType.ELECTION_ROUND_COUNTED: _round_counted,
    EventType.ELECTION_RESULT_RELEASED: _result_released,
    EventType.ELECTION_CONCLUDED: _concluded,
    EventType.ELECTION_RESULT_REPORTED: _result_reported,
    EventType.ELECTION_DELEGATE_CONFIRMED: _delegate,
    EventType.ELECTION_DELEGATE_REMOVED: _delegate,
    EventType.ELECTION_SEATS_REDUCED: _seats_reduced,
    EventType.ELECTION_SITTING_OPENED: _sitting_opened,
    EventType.ELECTION_MEETING_DATE_SET: _meeting_date_set,
    # dossier
    EventType.BOOK_EXPORTED: _book_exported,
    EventType.UNIT_FORM_EXPORTED: _unit_form_exported,
    # nomination
    EventType.NOMINATION_ROUND_OPENED: _nomination_round_opened,
    EventType.NOMINATION_REPORT_UPDATED: _report_updated,
    EventType.NOMINATION_FORM_ENTERED: _form_entered,
    EventType.NOMINATION_FORM_REMOVED: _form_entered,
    EventType.NOMINATION_TOTALS_ENTERED: _totals_entered,
    EventType.NOMINATION_PARTICIPATION_RECORDED: _participation,
    EventType.NOMINATION_IMPORTED: _nomination_imported,
    EventType.NOMINATION_REPORT_SUBMITTED: _report_submitted,
    EventType.NOMINATION_LATE_ACCEPTED: _report_submitted,
    EventType.NOMINATION_REPORT_CORRECTED: _report_corrected,
    EventType.NOMINATION_ORG_RECOMMENDED: _org_recommended,
    EventType.NOMINATION_LIST_DECIDED: _list_decided,
    EventType.NOMINATION_SHORTLIST_DECIDED: _list_decided,
    EventType.NOMINATION_SHORTLIST_HANDED_DOWN: _handed_down,
    EventType.NOMINATION_EXEMPTION_DECIDED: _exemption,
    EventType.NOMINATION_FEEDBACK_SUBMITTED: _feedback,
    EventType.NOMINATION_MEETING_CORRECTED: _meeting_corrected,
    EventType.NOMINATION_LIST_CORRECTED: _list_corrected,
    EventType.NOMINATION_FEEDBACK_CORRECTED: _feedback_corrected,
    EventType.ACTIVITY_RECORDED: _activity_recorded,
    # oversight
    EventType.OVERSIGHT_REPORT_SENT: _report_sent,
    EventType.OVERSIGHT_FINDING_RAISED: _finding_raised,
    EventType.OVERSIGHT_FINDING_ANSWERED: _finding_answered,
    EventType.OVERSIGHT_FINDING_RETURNED: _finding_concluded,
    EventType.OVERSIGHT_FINDING_CLOSED: _finding_concluded,
    EventType.OVERSIGHT_FINDING_ESCALATED: _finding_concluded,
    EventType.OVERSIGHT_ALERT_ACKNOWLEDGED: _alert_acknowledged,
    EventType.OVERSIGHT_SURVEY_ENTERED: _survey_entered,
    EventType.NOMINATION_ROUND_CLOSED: _round_closed,
    EventType.NOMINATION_LATE_REPORT_ADMITTED: _late_admitted,
    EventType.NOMINATION_LIST_REOPENED: _list_reopened,
    # vetting
    EventType.VETTING_SETTINGS_CHANGED: _vetting_settings,
    EventType.VETTING_CASES_OPENED: _vetting_cases_opened,
    EventType.VETTING_TEAM_FORMED: _vetting_team_formed,
    EventType.VETTING_TEAM_CHANGED: _vetting_team_changed,
    EventType.VETTING_CASES_ASSIGNED: _vetting_assigned,
    EventType.VETTING_NOTICE_ISSUED: _vetting_notice,
    EventType.VETTING_TALKS_RECORDED: _vetting_talks,
    EventType.VETTING_TALK_NOTE_ADDED: _vetting_talk_note,
    EventType.VETTING_EVALUATION_ENTERED: _vetting_evaluation,
    EventType.VETTING_EVALUATION_IMPORTED: _vetting_evaluation_imported,
    EventType.VETTING_REPORT_WRITTEN: _vetting_report,
    EventType.VETTING_REPORT_SIGNED: _vetting_signed,
    EventType.VETTING_CHECK_RECORDED: _vetting_check,
    EventType.VETTING_DEPARTMENT_REQUESTED: _vetting_requested,
    EventType.VETTING_DEPARTMENT_REMINDED: _vetting_reminded,
    EventType.VETTING_DEPARTMENT_REPLIED: _vetting_replied,
    EventType.VETTING_DEPARTMENT_REPLIES_IMPORTED: _vetting_replies_imported,
    EventType.VETTING_FOUR_MUST_RECORDED: _vetting_check,
    EventType.VETTING_VETO_APPLIED: _vetting_veto,
    EventType.VETTING_VETO_LIFTED: _vetting_veto_lifted,
    EventType.VETTING_ELIGIBILITY_FLAGGED: _vetting_flagged,
    EventType.VETTING_EXEMPTION_DECIDED: _exemption,
    EventType.VETTING_CANDIDATES_DECIDED: _vetting_decided,
    EventType.VETTING_SET_ASIDE: _vetting_closed,
    EventType.VETTING_WITHDRAWN: _vetting_closed,
    # notice
    EventType.NOTICE_PREPARED: _notice,
    EventType.NOTICE_PUBLISHED: _notice,
    EventType.NOTICE_EXTENDED: _notice_extended,
    EventType.NOTICE_CLOSED: _notice,
    EventType.NOTICE_OBJECTION_RECEIVED: _objection_received,
    EventType.NOTICE_OBJECTION_ASSIGNED: _objection_assigned,
    EventType.NOTICE_OBJECTION_INVESTIGATED: _objection_investigated,
    EventType.NOTICE_OBJECTION_CONCLUDED: _objection_concluded,
    EventType.NOTICE_PLACEMENT_ADDED: _placement,
    EventType.NOTICE_SLATE_SUGGESTED: _slate,
    EventType.NOTICE_LIST_DECIDED: _candidate_list_decided,
    EventType.NOTICE_LIST_SUBMITTED: _list_submitted,
    EventType.NOTICE_LIST_APPROVED: _list_reviewed,
    EventType.NOTICE_LIST_RETURNED: _list_reviewed,
}


def describe(
    event_type: str, inputs: Inputs, *, citizen_id: str | None = None, name: str | None = None
) -> str:
    """The event's inputs in Chinese, for the person's book (with ``citizen_id``/``name``) or a
    unit's record form (without)."""
    who = Who(citizen_id=citizen_id, name=name)
    try:
        template = TEMPLATES.get(EventType(event_type))
    except ValueError:
        template = None
    if template is not None:
        try:
            text = template(inputs, who)
        except (KeyError, TypeError, ValueError, AttributeError):
            text = None  # an older shape of the inputs: say what can be said
        if text is not None and not _MISSING.search(text):
            return text
    return generic(inputs, who)
