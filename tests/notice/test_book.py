"""The person's book after 公示, an objection, 二下 and 报批: each step in its section, the
objection there as received and concluded, never what it said."""

from __future__ import annotations

from tests import factories
from tests.notice.conftest import PUBLISHED, TODAY, World
from tuixuan.core.models import Role, User
from tuixuan.dossier import books
from tuixuan.dossier.books import Section
from tuixuan.dossier.selectors import events_for_person
from tuixuan.notice import services
from tuixuan.notice.models import Notice


def test_the_book_holds_the_notice_the_objection_and_the_approval(
    world: World, published: Notice, unit_operator: User, convener: User
) -> None:
    me = world.member("王芳")
    entry = published.entries.get(member=me)
    o = services.objection_record(
        actor=unit_operator,
        notice=published,
        entry=entry,
        received_on=PUBLISHED,
        channel="phone",
        anonymous=True,
        content="反映王芳工作作风粗暴",
    )
    handler = factories.user(Role.SUPERVISOR, world.unit.organisation)
    services.objection_assign(actor=unit_operator, objection=o, handler=handler, assigned_on=TODAY)
    services.objection_investigate(
        actor=handler, objection=o, findings="作风粗暴一事查无实据", investigated_on=TODAY
    )
    services.objection_conclude(
        actor=convener, objection=o, conclusion="untrue", concluded_on=TODAY
    )
    services.notice_close(actor=unit_operator, notice=published)
    cl = services.list_decide(
        actor=unit_operator,
        unit=world.unit,
        decided_on=TODAY,
        attendance_due=9,
        attendance_present=8,
        decision="同意",
        accountable_person="李书记",
        votes={world.member(n).pk: 8 for n in ("王芳", "丁一", "张三", "赵六")},
    )
    services.list_submit(
        actor=unit_operator,
        candidate_list=cl,
        submitted_on=TODAY,
        method="集体研究",
        principles="坚持差额",
    )
    services.list_review(actor=convener, candidate_list=cl, outcome="approve", reviewed_on=TODAY)
    events = list(events_for_person(me.citizen_id).prefetch_related("persons", "attachments"))
    book = books.build_book(me.citizen_id, me, events)
    by = {s.section: s for s in book.sections}
    notice_lines = [f"{e.step}：{e.summary}；{e.inputs}" for e in by[Section.NOTICE].entries]
    text = "\n".join(notice_lines)
    assert "发布公示" in text and "2026年11月11日起至2026年11月18日止" in text
    assert "登记公示期间举报" in text and "反映方式：来电" in text
    assert "举报办结" in text and "结论：不属实" in text
    assert "作风" not in text and "实据" not in text
    decision = "\n".join(e.inputs for e in by[Section.DECISION].entries)
    assert "确定为候选人预备人选" in decision
    approval = "\n".join(e.step for e in by[Section.APPROVAL].entries)
    assert "预备人选报批" in approval and "批准候选人预备人选" in approval
    whole = "\n".join(f"{e.summary}{e.inputs}" for e in book.entries)
    assert "作风" not in whole and "实据" not in whole
