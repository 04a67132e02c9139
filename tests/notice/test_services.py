"""公示, objections, 二下 and 报批: the whole way to the approved list, and every refusal —
each asserting the Chinese message, that nothing changed and that no event was written."""

from __future__ import annotations

import datetime as dt
import inspect as pyinspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests import factories
from tests.conftest import Tree
from tests.notice.conftest import PUBLISHED, TODAY, World, prepare
from tests.record import assert_events
from tuixuan.campaign.models import Campaign
from tuixuan.core.errors import DomainError, PermissionDeniedError
from tuixuan.core.models import Role, User
from tuixuan.core.workdays import Calendar, UnknownYearError
from tuixuan.notice import domain, selectors, services
from tuixuan.notice.models import (
    CandidateEntry,
    CandidateList,
    Notice,
    NoticeEntry,
    Objection,
    Placement,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import AttachmentFile
from tuixuan.vetting.models import Case

MODELS = (Notice, NoticeEntry, Objection, Placement, CandidateList, CandidateEntry)


def _state() -> tuple[Any, ...]:
    return (
        tuple(m.objects.count() for m in MODELS),
        tuple(Notice.objects.order_by("pk").values_list("status", "version", "ends_on")),
        tuple(Objection.objects.order_by("pk").values_list("status", "version", "handler_id")),
        tuple(CandidateList.objects.order_by("pk").values_list("status", "version")),
        tuple(Case.objects.order_by("pk").values_list("status", "version")),
    )


@contextmanager
def refused(message: str, error: type[DomainError] = DomainError) -> Iterator[None]:
    before = _state()
    with assert_events([]), pytest.raises(error) as info:
        yield
    assert message in info.value.message, info.value.message
    assert _state() == before


# --- the period, on the working-day calendar -----------------------------------------------

PERIODS = [
    # published on, working days, last day of the notice
    (dt.date(2026, 11, 11), 5, dt.date(2026, 11, 18)),  # Wednesday to Wednesday
    (dt.date(2026, 11, 13), 5, dt.date(2026, 11, 20)),  # a Friday: the weekend does not count
    (dt.date(2026, 11, 11), 7, dt.date(2026, 11, 20)),
    (dt.date(2026, 9, 28), 5, dt.date(2026, 10, 10)),  # across National Day, ending on the
    # Saturday that is a make-up working day
    (dt.date(2026, 9, 30), 5, dt.date(2026, 10, 13)),
    (dt.date(2026, 2, 12), 5, dt.date(2026, 2, 26)),  # across the Spring Festival
]


@pytest.mark.parametrize(("published_on", "days", "ends_on"), PERIODS)
def test_the_period_ends_on_the_nth_working_day_after_publication(
    published_on: dt.date, days: int, ends_on: dt.date
) -> None:
    assert domain.period_end(Calendar(), published_on, days) == ends_on


def test_a_period_into_a_year_not_yet_announced_is_refused() -> None:
    with pytest.raises(UnknownYearError, match="2027 年的节假日安排尚未录入"):
        domain.period_end(Calendar(), dt.date(2026, 12, 31), 5)


# --- the whole way -----------------------------------------------------------------------


def _decide(world: World, actor: User, names: list[str], **kw: Any) -> CandidateList:
    args: dict[str, Any] = {
        "decided_on": TODAY,
        "attendance_due": 9,
        "attendance_present": 8,
        "decision": "同意确定为候选人预备人选",
        "accountable_person": "李书记",
        "votes": {world.member(n).pk: 8 for n in names},
    }
    args.update(kw)
    return services.list_decide(actor=actor, unit=world.unit, **args)


def _submit(cl: CandidateList, actor: User) -> CandidateList:
    return services.list_submit(
        actor=actor,
        candidate_list=cl,
        submitted_on=TODAY,
        method="经党员推荐、考察、公示，集体研究确定",
        principles="坚持差额，符合结构比例",
    )


def test_from_the_notice_to_the_approved_list(
    world: World,
    unit_operator: User,
    convener: User,
    supervisor: User,
) -> None:
    with assert_events([EventType.NOTICE_PREPARED]):
        notice = prepare(world, unit_operator)
    assert [e.member.name for e in notice.entries.all()] == [
        "丁一",
        "王芳",
        "刘五",
        "李四",
        "张三",
        "赵六",
    ]  # surname strokes: 丁 2, 王 4, 刘 6, 李 7 and 张 7 (by the order of strokes), 赵 9
    assert notice.working_days == 5
    with assert_events([EventType.NOTICE_PUBLISHED]) as events:
        services.notice_publish(actor=unit_operator, notice=notice, published_on=PUBLISHED)
    notice.refresh_from_db()
    assert (notice.status, notice.ends_on) == ("published", dt.date(2026, 11, 18))
    assert "2026年11月11日起至2026年11月18日止（5 个工作日）" in notice.text
    assert "1. 丁一，男，汉族，1980年5月生，大学本科，丁一的职务" in notice.text
    assert "受理电话：0735-2223333" in notice.text
    assert events[0].inputs["ends_on"] == "2026-11-18"
    # An objection about 李四, anonymous, by letter, with a scanned letter attached.
    entry = notice.entries.get(member=world.member("李四"))
    with assert_events([EventType.NOTICE_OBJECTION_RECEIVED]) as events:
        objection = services.objection_record(
            actor=unit_operator,
            notice=notice,
            entry=entry,
            received_on=dt.date(2026, 11, 13),
            channel="letter",
            anonymous=True,
            content="反映李四收受礼金",
            attachments=[AttachmentFile("李四收礼.jpg", b"scan")],
        )
    assert "礼金" not in str(events[0].inputs) and "礼金" not in events[0].summary
    assert [a.name for a in events[0].attachments.all()] == ["举报材料-1.jpg"]
    assert selectors.person_blocker(world.member("李四"), world.campaign.pk) == (
        "“李四”有 1 件举报尚未办结（2026-11-13 收到），办结前不能进入下一步"
    )
    with assert_events([EventType.NOTICE_CLOSED]):
        services.notice_close(actor=unit_operator, notice=notice)
    # 李四 is not in the pool while the objection is open.
    assert [r.case.member.name for r in selectors.pool(world.unit) if r.eligible] == [
        "王芳",
        "丁一",
        "张三",
        "赵六",
        "刘五",
    ]
    handler = factories.user(Role.DEPARTMENT_REVIEWER, world.unit.organisation, department="纪检")
    with assert_events([EventType.NOTICE_OBJECTION_ASSIGNED]):
        services.objection_assign(
            actor=unit_operator, objection=objection, handler=handler, assigned_on=TODAY
        )
    with assert_events([EventType.NOTICE_OBJECTION_INVESTIGATED]) as events:
        services.objection_investigate(
            actor=handler, objection=objection, findings="经查无此事", investigated_on=TODAY
        )
    assert "无此事" not in str(events[0].inputs)
    with assert_events([EventType.NOTICE_OBJECTION_CONCLUDED]) as events:
        services.objection_conclude(
            actor=convener, objection=objection, conclusion="untrue", concluded_on=TODAY
        )
    assert events[0].inputs["conclusion"] == "untrue"
    assert selectors.person_blocker(world.member("李四"), world.campaign.pk) is None
    # The suggestion: four of six, with at least one woman, by support.
    with assert_events([EventType.NOTICE_SLATE_SUGGESTED]) as events:
        suggestion = services.slate_suggest(actor=unit_operator, unit=world.unit)
    assert suggestion.list_size == 4
    assert events[0].inputs["suggested_names"] == ["王芳", "丁一", "李四", "张三"]
    assert events[0].inputs["total_support"] == 60 + 50 + 40 + 30
    assert not events[0].persons.exists()
    # 二下: 赵六 is agreed by only 4 of 8 and is not on the list.
    with assert_events([EventType.NOTICE_LIST_DECIDED]) as events:
        cl = _decide(
            world,
            unit_operator,
            ["王芳", "丁一", "李四", "张三"],
            votes={
                **{world.member(n).pk: 8 for n in ("王芳", "丁一", "李四", "张三")},
                world.member("赵六").pk: 4,
            },
            adopted_suggestion=True,
        )
    assert [e.member.name for e in selectors.entries(cl)] == ["丁一", "王芳", "李四", "张三"]
    assert [v["selected"] for v in events[0].inputs["votes"] if v["name"] == "赵六"] == [False]
    assert selectors.list_blockers(cl) == []
    with assert_events([EventType.NOTICE_LIST_SUBMITTED]):
        _submit(cl, unit_operator)
    with assert_events([EventType.NOTICE_LIST_RETURNED]) as events:
        services.list_review(
            actor=convener,
            candidate_list=cl,
            outcome="return",
            reviewed_on=TODAY,
            person_reasons={world.member("张三").pk: "群众基础不够扎实"},
        )
    assert events[0].inputs["persons"][-1]["reason"] == "群众基础不够扎实"
    assert selectors.approved_candidates(world.unit) == []
    # The unit decides again, now with a candidate placed from above.
    placed = factories.member(world.unit.organisation, "上官明", gender="F")
    world.members.append(placed)
    with assert_events([EventType.NOTICE_PLACEMENT_ADDED]):
        services.placement_add(
            actor=convener,
            unit=world.unit,
            member=placed,
            nominated_by=world.campaign.convening_organisation,
            placed_on=TODAY,
            reason="市委提名",
        )
    again = _decide(world, unit_operator, ["王芳", "丁一", "李四", "赵六", "上官明"])
    _submit(again, unit_operator)
    with assert_events([EventType.NOTICE_LIST_APPROVED]):
        services.list_review(
            actor=convener, candidate_list=again, outcome="approve", reviewed_on=TODAY
        )
    approved = selectors.approved_candidates(world.unit)
    assert [(c.member.name, c.origin_label) for c in approved] == [
        ("丁一", "本单位推荐"),
        ("上官明", "上级提名"),
        ("王芳", "本单位推荐"),
        ("李四", "本单位推荐"),
        ("赵六", "本单位推荐"),
    ]
    assert approved[1].nominated_by == world.campaign.convening_organisation.name


def test_an_objection_found_true_sets_the_person_aside_through_vetting(
    world: World, published: Notice, unit_operator: User, convener: User, supervisor: User
) -> None:
    entry = published.entries.get(member=world.member("张三"))
    o = services.objection_record(
        actor=unit_operator,
        notice=published,
        entry=entry,
        received_on=PUBLISHED,
        channel="phone",
        anonymous=False,
        complainant="某群众",
        content="反映张三违规经商",
    )
    services.objection_assign(
        actor=unit_operator, objection=o, handler=supervisor, assigned_on=TODAY
    )
    services.objection_investigate(
        actor=supervisor, objection=o, findings="违规经商属实", investigated_on=TODAY
    )
    with refused("结论为属实的，须认定一票否决情形"):
        services.objection_conclude(
            actor=convener, objection=o, conclusion="true", concluded_on=TODAY
        )
    with assert_events([EventType.VETTING_SET_ASIDE, EventType.NOTICE_OBJECTION_CONCLUDED]) as ev:
        services.objection_conclude(
            actor=convener,
            objection=o,
            conclusion="true",
            concluded_on=TODAY,
            disqualification="廉洁上有风险",
        )
    case = Case.objects.get(pk=entry.case_id)
    assert (case.status, case.close_reason) == ("not_considered", "一票否决")
    assert ev[1].inputs["set_aside"] is True
    assert "经商" not in str(ev[1].inputs) and "经商" not in ev[0].summary


# --- refusals ----------------------------------------------------------------------------


def test_notice_refusals(
    world: World, unit_operator: User, other_unit_operator: User, tree: Tree
) -> None:
    with refused("公示期 4 个工作日，少于规定的 5 个工作日"):
        prepare(world, unit_operator, working_days=4)
    with refused("请至少选择一个公示渠道"):
        prepare(world, unit_operator, channels=[])
    with refused("不在您的管理范围内", PermissionDeniedError):
        prepare(world, other_unit_operator)
    notice = prepare(world, unit_operator)
    with refused("已有一份草拟的公示"):
        prepare(world, unit_operator)
    with refused("不在您的管理范围内", PermissionDeniedError):
        services.notice_publish(actor=other_unit_operator, notice=notice, published_on=TODAY)
    with refused("晚于今天"):
        services.notice_publish(
            actor=unit_operator, notice=notice, published_on=TODAY + dt.timedelta(days=1)
        )
    with refused("早于研究确定人选的日期（2026-11-10）"):
        services.notice_publish(
            actor=unit_operator, notice=notice, published_on=dt.date(2026, 11, 9)
        )
    with refused("公示尚未发布"):
        services.notice_close(actor=unit_operator, notice=notice)
    services.notice_publish(actor=unit_operator, notice=notice, published_on=TODAY)
    with refused("公示当前为“公示中”，不能再发布"):
        services.notice_publish(actor=unit_operator, notice=notice, published_on=TODAY)
    with refused("公示期至 2026-12-09 结束，2026-12-09 之后才能结束公示"):
        services.notice_close(actor=unit_operator, notice=notice)
    with refused("公示已发布，公示期不能缩短（现为 5 个工作日）"):
        services.notice_extend(actor=unit_operator, notice=notice, working_days=4, reason="缩短")
    with assert_events([EventType.NOTICE_EXTENDED]):
        services.notice_extend(actor=unit_operator, notice=notice, working_days=7, reason="补充")
    notice.refresh_from_db()
    assert notice.ends_on == dt.date(2026, 12, 11)
    with refused("公示已发布，不能修改"):
        services.notice_revise(
            actor=unit_operator,
            notice=notice,
            scope="public",
            channels=["报刊"],
            contact_phone="1",
            contact_address="2",
            working_days=9,
        )


def test_objection_refusals(
    world: World,
    published: Notice,
    unit_operator: User,
    other_unit_operator: User,
    convener: User,
    supervisor: User,
    department_reviewer: User,
) -> None:
    entry = published.entries.get(member=world.member("李四"))

    def record(**kw: Any) -> Objection:
        args: dict[str, Any] = {
            "notice": published,
            "entry": entry,
            "received_on": PUBLISHED,
            "channel": "visit",
            "anonymous": True,
            "content": "反映问题",
        }
        args.update(kw)
        return services.objection_record(actor=unit_operator, **args)

    with refused("收到日期2026-11-10早于公示发布的日期（2026-11-11）"):
        record(received_on=dt.date(2026, 11, 10))
    with refused("收到日期晚于公示截止日期（2026-11-18）"):
        record(received_on=dt.date(2026, 11, 19))
    with refused("请填写反映内容"):
        record(content=" ")
    with refused("匿名反映不登记反映人"):
        record(complainant="张某")
    with refused("请填写反映人姓名"):
        record(anonymous=False)
    with refused("不在您的管理范围内", PermissionDeniedError):
        services.objection_record(
            actor=other_unit_operator,
            notice=published,
            entry=entry,
            received_on=PUBLISHED,
            channel="visit",
            anonymous=True,
            content="x",
        )
    o = record()
    with refused("不能承办该举报的核查"):
        services.objection_assign(
            actor=unit_operator,
            objection=o,
            handler=factories.user(Role.BRANCH_OPERATOR, world.unit.organisation),
            assigned_on=TODAY,
        )
    with refused("该举报当前为“已登记”，不能变为“已办结”"):
        services.objection_conclude(
            actor=convener, objection=o, conclusion="untrue", concluded_on=TODAY
        )
    services.objection_assign(
        actor=unit_operator, objection=o, handler=department_reviewer, assigned_on=TODAY
    )
    with refused("只有承办该举报核查的人员可以登记核查情况", PermissionDeniedError):
        services.objection_investigate(
            actor=supervisor, objection=o, findings="x", investigated_on=TODAY
        )
    services.objection_investigate(
        actor=department_reviewer, objection=o, findings="不属实", investigated_on=TODAY
    )
    with refused("只有召集机关可以作出举报的办结结论", PermissionDeniedError):
        services.objection_conclude(
            actor=unit_operator, objection=o, conclusion="untrue", concluded_on=TODAY
        )
    with refused("只有属实的结论可以认定一票否决情形"):
        services.objection_conclude(
            actor=convener,
            objection=o,
            conclusion="partly",
            concluded_on=TODAY,
            disqualification="廉洁上有风险",
        )


def test_list_refusals(
    world: World,
    published: Notice,
    unit_operator: User,
    other_unit_operator: User,
    convener: User,
) -> None:
    four = ["王芳", "丁一", "李四", "张三"]
    with refused("初步人选的公示尚未结束，不能研究确定预备人选"):
        _decide(world, unit_operator, four)
    entry = published.entries.get(member=world.member("李四"))
    services.objection_record(
        actor=unit_operator,
        notice=published,
        entry=entry,
        received_on=PUBLISHED,
        channel="intranet",
        anonymous=True,
        content="反映问题",
    )
    services.notice_close(actor=unit_operator, notice=published)
    with refused("“李四”有 1 件举报尚未办结（2026-11-11 收到）"):
        _decide(world, unit_operator, four)
    with refused("不在您的管理范围内", PermissionDeniedError):
        _decide(world, other_unit_operator, ["王芳", "丁一", "张三", "赵六"])
    with refused("差额：候选人 3 名，少于应有的 4 名（名额 3 名，差额比例 20%）"):
        _decide(world, unit_operator, ["王芳", "丁一", "张三"])
    with refused("差额：候选人 3 名"):
        _decide(
            world,
            unit_operator,
            ["王芳", "丁一", "张三", "赵六"],
            votes={
                **{world.member(n).pk: 8 for n in ("王芳", "丁一", "张三")},
                world.member("赵六").pk: 4,
            },
        )
    with refused("结构比例：妇女 0 人，占 0.0%，低于目标 25.0%，还差 1 人"):
        _decide(world, unit_operator, ["丁一", "张三", "赵六", "刘五"])
    with refused("“王芳”得 9 票，多于实到 8 人"):
        _decide(
            world,
            unit_operator,
            ["王芳", "丁一", "张三", "赵六"],
            votes={
                world.member("王芳").pk: 9,
                **{world.member(n).pk: 8 for n in ("丁一", "张三", "赵六")},
            },
        )
    with refused("实到 4 人，未超过应到 9 人的半数"):
        _decide(world, unit_operator, ["王芳", "丁一", "张三", "赵六"], attendance_present=4)
    with refused("研究日期2026-11-18早于初步人选公示结束的次日（2026-11-19）"):
        _decide(
            world, unit_operator, ["王芳", "丁一", "张三", "赵六"], decided_on=dt.date(2026, 11, 18)
        )
    cl = _decide(world, unit_operator, ["王芳", "丁一", "张三", "赵六"])
    with refused("只有召集机关可以审批候选人预备人选", PermissionDeniedError):
        services.list_review(
            actor=unit_operator, candidate_list=cl, outcome="approve", reviewed_on=TODAY
        )
    with refused("预备人选名单当前为“已研究确定”，不能审批"):
        services.list_review(
            actor=convener, candidate_list=cl, outcome="approve", reviewed_on=TODAY
        )
    _submit(cl, unit_operator)
    with refused("本单位的预备人选名单已报批，不能重新研究"):
        _decide(world, unit_operator, ["王芳", "丁一", "张三", "赵六"])
    with refused("退回须写明理由"):
        services.list_review(actor=convener, candidate_list=cl, outcome="return", reviewed_on=TODAY)
    services.list_review(
        actor=convener, candidate_list=cl, outcome="return", reviewed_on=TODAY, reason="重新研究"
    )
    with refused("预备人选名单当前为“已退回”，不能报批"):
        _submit(cl, unit_operator)
    with refused("预备人选名单当前为“已退回”，不能审批"):
        services.list_review(
            actor=convener, candidate_list=cl, outcome="approve", reviewed_on=TODAY
        )


def test_a_decided_list_is_replaced_by_a_new_decision(
    world: World, closed: Notice, unit_operator: User
) -> None:
    first = _decide(world, unit_operator, ["王芳", "丁一", "张三", "赵六"])
    second = _decide(world, unit_operator, ["王芳", "丁一", "李四", "刘五"])
    first.refresh_from_db()
    assert first.status == "superseded" and selectors.current_list(world.unit) == second


def test_a_second_notice_when_the_campaign_asks_for_one(
    world: World, closed: Notice, unit_operator: User
) -> None:
    Campaign.objects.filter(pk=world.campaign.pk).update(second_notice=True)
    cl = _decide(world, unit_operator, ["王芳", "丁一", "张三", "赵六"])
    with refused("本次推选要求对预备人选再次公示，尚未公示"):
        _submit(cl, unit_operator)
    second = prepare(world, unit_operator, kind="candidates")
    assert second.entries.count() == 4
    services.notice_publish(actor=unit_operator, notice=second, published_on=TODAY)
    with refused("预备人选公示尚未结束（公示中）"):
        _submit(cl, unit_operator)


def test_every_service_is_keyword_only() -> None:
    for name in services.__all__:
        fn = getattr(services, name)
        params = pyinspect.signature(fn).parameters.values()
        assert all(p.kind == p.KEYWORD_ONLY for p in params), name
        assert "actor" in pyinspect.signature(fn).parameters, name
