"""A supervisor's finding: raised, answered, sent back, closed or escalated; every refusal
is in Chinese, changes nothing and writes no event; every step is in the record, the
person's book and the unit's 纪实登记表."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from tests import factories
from tests.conftest import Tree, login
from tests.election.meeting_setup import enter_batch, in_session, prepared
from tests.nomination.conftest import People
from tuixuan.core import clock
from tuixuan.core.errors import DomainError
from tuixuan.core.models import Role, User
from tuixuan.dossier import books
from tuixuan.dossier.access import get_person_book_for_user
from tuixuan.election import services as election_services
from tuixuan.election.models import Batch
from tuixuan.oversight import services
from tuixuan.oversight.models import Finding, FindingStatus
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db

TOMORROW = dt.timedelta(days=1)


def _raise(supervisor: User, tree: Tree, **extra: object) -> Finding:
    fields: dict[str, object] = {
        "actor": supervisor,
        "organisation": tree.unit_a,
        "kind": "opinion",
        "title": "推荐会议记录不全",
        "text": "东河村党支部推荐会议缺少签到表，请核实整改。",
        "due_on": clock.today() + TOMORROW,
    }
    fields.update(extra)
    return services.finding_raise(**fields)  # type: ignore[arg-type]


def _unchanged(finding: Finding, before_events: int) -> None:
    fresh = Finding.objects.get(pk=finding.pk)
    assert (fresh.status, fresh.answer, fresh.conclusion) == (
        finding.status,
        finding.answer,
        finding.conclusion,
    )
    assert Event.objects.count() == before_events


def test_the_lifecycle_with_its_refusals(
    tree: Tree, supervisor: User, unit_operator: User, other_unit_operator: User
) -> None:
    finding = _raise(supervisor, tree)
    assert finding.status == FindingStatus.OPEN
    raised = Event.objects.get(event_type="oversight.finding_raised")
    assert raised.accountable_organisation == tree.unit_a
    events = Event.objects.count()

    # refusals: nobody but the unit answers; no closing before an answer; blank answer
    attempts: list[tuple[User, Callable[[User], Finding], str]] = [
        (
            other_unit_operator,
            lambda a: services.finding_answer(
                actor=a, finding=finding, answer="已整改", accountable_person="李书记"
            ),
            "只有“东河镇党委”可以答复",
        ),
        (
            supervisor,
            lambda a: services.finding_close(actor=a, finding=finding, conclusion="同意办结"),
            "监督意见当前为“待答复”，不能办结",
        ),
        (
            unit_operator,
            lambda a: services.finding_answer(
                actor=a, finding=finding, answer="  ", accountable_person="李书记"
            ),
            "请填写答复内容",
        ),
        (
            unit_operator,
            lambda a: services.finding_close(actor=a, finding=finding, conclusion="自行办结"),
            "只有监督保卫组可以办结",
        ),
    ]
    for actor, call, message in attempts:
        with pytest.raises(DomainError) as refused:
            call(actor)
        assert message in refused.value.message
        _unchanged(finding, events)

    finding = services.finding_answer(
        actor=unit_operator, finding=finding, answer="已补齐签到表。", accountable_person="李书记"
    )
    assert finding.status == FindingStatus.ANSWERED
    with pytest.raises(DomainError, match="不能答复"):
        services.finding_answer(
            actor=unit_operator, finding=finding, answer="再答一次", accountable_person="李书记"
        )
    finding = services.finding_return(
        actor=supervisor, finding=finding, conclusion="请附整改材料。"
    )
    assert finding.status == FindingStatus.OPEN
    finding = services.finding_answer(
        actor=unit_operator, finding=finding, answer="已附材料。", accountable_person="李书记"
    )
    finding = services.finding_close(actor=supervisor, finding=finding, conclusion="整改到位。")
    assert finding.status == FindingStatus.CLOSED
    events = Event.objects.count()
    with pytest.raises(DomainError, match="已办结"):
        services.finding_escalate(actor=supervisor, finding=finding, conclusion="移交")
    _unchanged(finding, events)
    kinds = list(
        Event.objects.filter(subject_type="finding", subject_id=str(finding.pk))
        .order_by("pk")
        .values_list("event_type", flat=True)
    )
    assert kinds == [
        "oversight.finding_raised",
        "oversight.finding_answered",
        "oversight.finding_returned",
        "oversight.finding_answered",
        "oversight.finding_closed",
    ]


def test_raising_is_refused_for_wrong_input_and_outside_the_subtree(
    tree: Tree, supervisor: User, people: People
) -> None:
    events = Event.objects.count()
    with pytest.raises(DomainError) as refused:
        _raise(supervisor, tree, title="", due_on=clock.today() - TOMORROW)
    fields = {f for f, _m in refused.value.errors}
    assert fields == {"title", "due_on"}
    town_supervisor = factories.user(Role.SUPERVISOR, tree.unit_b)
    with pytest.raises(DomainError, match="只有监督保卫组"):
        _raise(town_supervisor, tree)
    with pytest.raises(DomainError, match="不在“东河镇党委”范围内"):
        _raise(supervisor, tree, member=people.b1[0])
    assert Event.objects.count() == events
    assert not Finding.objects.exists()


def test_a_finding_on_a_person_is_in_the_book_and_the_unit_form(
    tree: Tree, supervisor: User, unit_operator: User, people: People
) -> None:
    person = people.a1[0]
    finding = _raise(supervisor, tree, member=person)
    services.finding_answer(
        actor=unit_operator, finding=finding, answer="已核实。", accountable_person="李书记"
    )
    source = get_person_book_for_user(supervisor, person.citizen_id)
    book = books.build_book(source.citizen_id, source.member, source.events)
    texts = [e.step for e in book.entries]
    assert "提出监督意见" in texts and "答复监督意见" in texts
    form = books.build_unit_form(tree.unit_a, list(books.unit_events(tree.unit_a)))
    assert {"提出监督意见", "答复监督意见"} <= {e.step for e in form.entries}


def test_the_pages_keep_what_was_typed_and_confirm_before_closing(
    tree: Tree, supervisor: User, unit_operator: User
) -> None:
    client = login(supervisor)
    url = f"/oversight/org/{tree.unit_a.pk}/finding/new/"
    form = client.get(url)
    once = form.context["form"]["once"].value()
    refused = client.post(
        url,
        {
            "once": once,
            "kind": "lead",
            "title": "线索",
            "text": "有人反映推荐会议未达到法定人数",
            "due_on": (clock.today() - TOMORROW).isoformat(),
        },
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "有人反映推荐会议未达到法定人数" in body and "早于今天" in body
    done = client.post(
        url,
        {
            "once": once,
            "kind": "lead",
            "title": "线索",
            "text": "有人反映推荐会议未达到法定人数",
            "due_on": (clock.today() + TOMORROW).isoformat(),
        },
    )
    finding = Finding.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/oversight/finding/{finding.pk}/"
    answer = login(unit_operator).post(
        f"/oversight/finding/{finding.pk}/answer/",
        {"answer": "经查，到会人数符合规定。", "accountable_person": "李书记"},
    )
    assert answer.status_code == 302
    ask = client.post(f"/oversight/finding/{finding.pk}/close/", {"conclusion": "属实核查完毕"})
    assert ask.status_code == 200 and "办结" in ask.content.decode()
    assert Finding.objects.get().status == FindingStatus.ANSWERED
    closed = client.post(
        f"/oversight/finding/{finding.pk}/close/", {"conclusion": "核查完毕", "confirm": "1"}
    )
    assert closed.status_code == 302
    assert Finding.objects.get().status == FindingStatus.CLOSED


def test_the_supervisor_reads_how_each_doubtful_ballot_was_ruled_and_why(
    tree: Tree, supervisor: User
) -> None:
    op = factories.user(Role.UNIT_OPERATOR, tree.unit_a)
    meeting = prepared(tree, op, voters=4)
    round_ = in_session(meeting, op)
    enter_batch(meeting, round_, ["1100", "1010"], second=["1100", "1020"])
    batch = Batch.objects.get(round=round_)
    election_services.ballot_decide(
        actor=meeting.chief,
        batch=batch,
        seq=2,
        marks="1010",
        reason="第三栏划痕不清，会同监票人认定为未划",
    )
    page = login(supervisor).get(f"/oversight/election/{meeting.election.pk}/rulings/")
    assert page.status_code == 200
    assert "第三栏划痕不清，会同监票人认定为未划" in page.content.decode()
    assert (
        login(factories.user(Role.SUPERVISOR, tree.unit_b))
        .get(f"/oversight/election/{meeting.election.pk}/rulings/")
        .status_code
        == 404
    )
