"""Every form, sent with one bad value, comes back with the message beside that field, the
summary at the top, the first bad field focused and every other value as it was typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Tree, login
from tests.election.meeting_setup import prepared
from tests.forms import form_values
from tests.nomination.conftest import People, meeting
from tuixuan.campaign.models import Campaign
from tuixuan.core.models import User
from tuixuan.election import services as election_services
from tuixuan.nomination import services
from tuixuan.nomination.models import BranchReport, ListKind, NominationList, Round
from tuixuan.record.models import Event


@dataclass
class Case:
    client: Client
    url: str
    form_id: str
    data: dict[str, Any]
    bad_field: str
    message: str


def _today() -> str:
    return timezone.localdate().isoformat()


def _submitted(w: Any) -> BranchReport:
    for org, person in ((w.tree.branch_a1, w.people.a1[0]), (w.tree.branch_a2, w.people.a2[0])):
        meeting(w.unit_operator, w.round, org)
        services.form_add(
            actor=w.unit_operator, round=w.round, organisation=org, candidate_ids=[person.pk]
        )
        services.report_submit(
            actor=w.unit_operator,
            report=BranchReport.objects.get(round=w.round, organisation=org),
        )
    return BranchReport.objects.get(round=w.round, organisation=w.tree.branch_a1)


def _shortlist(w: Any, hand_down: bool = False) -> NominationList:
    _submitted(w)
    nl = services.shortlist_decide(
        actor=w.unit_operator,
        round=w.round,
        organisation=w.tree.unit_a,
        candidate_ids=[w.people.a1[0].pk],
        decided_on=timezone.localdate(),
        attendance_due=9,
        attendance_present=8,
        decision="集体研究确定考察对象",
        accountable_person="李书记",
    )
    if hand_down:
        services.shortlist_hand_down(actor=w.unit_operator, shortlist=nl)
    return nl


def meeting_present(w: Any) -> Case:
    return Case(
        login(w.branch_operator),
        reverse("nomination:branch_meeting", args=[w.round.pk, w.tree.branch_a1.pk]),
        "meeting-form",
        {
            "meeting_date": _today(),
            "meeting_place": "村部会议室",
            "presider": "王书记",
            "members_due": "7",
            "members_present": "9",
            "accountable_person": "王书记",
            "mode": "totals",
            "survey_total": "6",
            "survey_satisfied": "5",
            "survey_basic": "1",
            "survey_dissatisfied": "0",
        },
        "members_present",
        "实到 9 人多于应到 7 人",
    )


def meeting_date_1990(w: Any) -> Case:
    case = meeting_present(w)
    case.data.update(meeting_date="1990-05-04", members_present="6")
    case.bad_field, case.message = "meeting_date", "推荐会议日期1990-05-04早于本次推选工作开始"
    return case


def meeting_next_year(w: Any) -> Case:
    case = meeting_present(w)
    day = (timezone.localdate() + dt.timedelta(days=366)).isoformat()
    case.data.update(meeting_date=day, members_present="6")
    case.bad_field, case.message = "meeting_date", "晚于今天"
    return case


def decision_attendance(w: Any) -> Case:
    _submitted(w)
    return Case(
        login(w.unit_operator),
        reverse("nomination:level_decide", args=[w.round.pk, w.tree.unit_a.pk, "shortlist"]),
        "decide-form",
        {
            "candidate": [str(w.people.a1[0].pk)],
            "decided_on": _today(),
            "attendance_due": "7",
            "attendance_present": "9",
            "decision": "经党委会集体研究",
            "accountable_person": "李书记",
            "confirm": "1",
        },
        "attendance_present",
        "实到 9 人多于应到 7 人",
    )


def decision_2030(w: Any) -> Case:
    case = decision_attendance(w)
    case.data.update(decided_on="2030-01-01", attendance_present="6")
    case.bad_field, case.message = "decided_on", "研究日期2030-01-01晚于今天"
    return case


def second_up_grid(w: Any) -> Case:
    nl = _shortlist(w, hand_down=True)
    pk = w.people.a1[0].pk
    return Case(
        login(w.branch_operator),
        reverse("nomination:feedback", args=[nl.pk, w.tree.branch_a1.pk]),
        "feedback-form",
        {
            "meeting_date": _today(),
            "members_due": "7",
            "members_present": "6",
            "accountable_person": "王书记",
            f"agree_{pk}": "5",
            f"disagree_{pk}": "4",
            f"abstain_{pk}": "1",
            "writein": str(w.people.a1[3].pk),
            "writein_votes": "2",
        },
        f"agree_{pk}",
        "合计 10 票，多于实到会党员 6 人",
    )


def meeting_correction(w: Any) -> Case:
    report = _submitted(w)
    return Case(
        login(w.unit_operator),
        reverse("nomination:meeting_correct", args=[report.pk]),
        "meeting-correct-form",
        {
            "meeting_date": _today(),
            "meeting_place": "党群服务中心",
            "presider": "张副书记",
            "members_due": "7",
            "members_present": "5",
            "reason": "",
        },
        "reason",
        "这个字段是必填项",
    )


def decision_correction(w: Any) -> Case:
    nl = _shortlist(w)
    return Case(
        login(w.unit_operator),
        reverse("nomination:list_correct", args=[nl.pk]),
        "list-correct-form",
        {
            "decided_on": _today(),
            "attendance_due": "9",
            "attendance_present": "12",
            "decision": "更正后的决定文字",
            "reason": "会议记录核对后更正",
        },
        "attendance_present",
        "实到 12 人多于应到 9 人",
    )


def second_up_correction(w: Any) -> Case:
    nl = _shortlist(w, hand_down=True)
    fb = services.feedback_submit(
        actor=w.branch_operator,
        shortlist=nl,
        organisation=w.tree.branch_a1,
        meeting_date=timezone.localdate(),
        members_due=7,
        members_present=6,
        accountable_person="王书记",
        views={w.people.a1[0].pk: (5, 1, 0)},
    )
    return Case(
        login(w.unit_operator),
        reverse("nomination:feedback_correct", args=[nl.pk, fb.pk]),
        f"feedback-correct-{fb.pk}",
        {
            "meeting_date": _today(),
            "members_due": "7",
            "members_present": "4",
            "reason": "签到表核对",
        },
        "members_present",
        "已报送的意见中有人选合计 6 票，多于更正后的实到人数",
    )


def campaign_seats(w: Any) -> Case:
    w.tree.city.member_count = 40_000
    w.tree.city.save()
    return Case(
        login(w.convener),
        reverse("campaign:create"),
        "campaign-form",
        {
            "name": "市第六次党代会",
            "level": "city",
            "term": "第六次",
            "total_seats": "999999",
            "convening_organisation": str(w.tree.city.pk),
            "once": "k-seats",
        },
        "",
        "代表名额 999999 名，多于“示范市委”的党员总数 40000 名",
    )


def schedule_in_the_past(w: Any) -> Case:
    return Case(
        login(w.convener),
        reverse("campaign:milestones_action", args=[w.round.campaign.pk, "plan"]),
        "plan-form",
        {"start": "2020-03-02"},
        "start",
        "部署开始日期 2020-03-02 早于今天",
    )


def election_create(w: Any) -> Case:
    return Case(
        login(w.unit_operator),
        reverse("election:list"),
        "election-form",
        {
            "title": "西岭村党员大会",
            "body_type": "members_meeting",
            "profile": "grassroots",
            "seats": "0",
            "meeting_date": "2026-12-20",
            "once": "k-election",
        },
        "seats",
        "确保该值大于或等于1",
    )


def election_method_empty(w: Any) -> Case:
    m = prepared(w.tree, w.unit_operator, voters=3)
    election_services.election_open(actor=w.unit_operator, election=m.election)
    return Case(
        login(w.unit_operator),
        reverse("election:method_adopt", args=[m.election.pk]),
        "method-form",
        {"text": "   "},
        "text",
        "这个字段是必填项",
    )


def election_date_correction(w: Any) -> Case:
    m = prepared(w.tree, w.unit_operator, voters=3)
    election_services.meeting_date_set(
        actor=w.unit_operator, election=m.election, meeting_date=timezone.localdate()
    )
    return Case(
        login(w.unit_operator),
        reverse("election:meeting_date", args=[m.election.pk]),
        "date-form",
        {"meeting_date": "2026-12-28", "reason": ""},
        "reason",
        "更正已确定的会议日期须填写理由",
    )


def election_candidates(w: Any) -> Case:
    m = prepared(w.tree, w.unit_operator, voters=3)
    return Case(
        login(w.unit_operator),
        reverse("election:candidates_add", args=[m.election.pk]),
        "candidates-form",
        {"lines": "赵六\n钱七,110101199001011234"},
        "",
        "第 2 行：本选举单位没有身份证号为 110101199001011234 的党员",
    )


def election_staff(w: Any) -> Case:
    m = prepared(w.tree, w.unit_operator, voters=3)
    return Case(
        login(w.unit_operator),
        reverse("election:staff_add", args=[m.election.pk]),
        "staff-form",
        {"role": "scrutineer", "name": "孙八", "username": "nobody"},
        "username",
        "系统账号“nobody”不存在",
    )


def org_recommend(w: Any) -> Case:
    _submitted(w)
    return Case(
        login(w.unit_operator),
        reverse("nomination:level_recommend", args=[w.round.pk, w.tree.unit_a.pk]),
        "recommend-form",
        {
            "candidate": str(w.people.sanctioned.pk),
            "accountable_person": "李书记",
            "reason": "先进模范",
        },
        "",
        "处分影响期",
    )


CASES: dict[str, Callable[[Any], Case]] = {
    "一上会议·实到多于应到": meeting_present,
    "一上会议·1990年": meeting_date_1990,
    "一上会议·明年": meeting_next_year,
    "集体研究·实到多于应到": decision_attendance,
    "集体研究·2030年": decision_2030,
    "二上表决表": second_up_grid,
    "更正会议情况": meeting_correction,
    "更正集体研究决定": decision_correction,
    "更正二上会议情况": second_up_correction,
    "新建推选工作·名额": campaign_seats,
    "编排时间节点·过去": schedule_in_the_past,
    "新建选举会议": election_create,
    "选举办法·空": election_method_empty,
    "更正会议日期": election_date_correction,
    "组织推荐": org_recommend,
    "录入候选人": election_candidates,
    "监票计票人员": election_staff,
}


@dataclass
class World:
    tree: Tree
    people: People
    round: Round
    convener: User
    unit_operator: User
    branch_operator: User


def test_a_refused_totals_grid_keeps_every_cell(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    meeting(branch_operator, round_, tree.branch_a1, mode="totals")
    client = login(branch_operator)
    a, b = people.a1[0], people.a1[1]
    r = client.post(
        reverse("nomination:branch_totals", args=[round_.pk, tree.branch_a1.pk]),
        {"candidate": [a.pk, b.pk], "votes": ["5", "99"], "pvotes": ["1", "0"]},
    )
    page = r.content.decode()
    assert r.status_code == 400
    assert "多于实到会党员" in page and "form-summary" in page
    assert 'name="votes" value="5"' in page and 'name="votes" value="99"' in page
    assert 'name="pvotes" value="1"' in page
    assert f'name="candidate" value="{b.pk}"' in page


@pytest.mark.parametrize("name", list(CASES))
def test_a_refused_form_keeps_every_value_and_marks_the_bad_field(
    name: str,
    tree: Tree,
    people: People,
    round_: Round,
    convener: User,
    unit_operator: User,
    branch_operator: User,
) -> None:
    w = World(tree, people, round_, convener, unit_operator, branch_operator)
    case = CASES[name](w)
    before = (
        Event.objects.count(),
        Campaign.objects.count(),
        NominationList.objects.filter(kind=ListKind.SHORTLIST).count(),
    )
    response = case.client.post(case.url, case.data)
    page = response.content.decode()
    assert response.status_code == 400, page[-2000:]
    assert case.message in page
    assert 'class="error form-summary" role="alert"' in page
    values, attrs = form_values(page, case.form_id)
    for field, sent in case.data.items():
        if field in ("once", "confirm") or field == case.bad_field:
            continue
        if field == "candidate" and case.form_id != "recommend-form":
            continue
        assert values.get(field, "").strip() == str(sent).strip(), (field, values.get(field))
    if case.bad_field:
        assert attrs[case.bad_field].get("aria-invalid") == "true"
        assert "autofocus" in attrs[case.bad_field]
        if case.data[case.bad_field].strip():
            assert values[case.bad_field] == case.data[case.bad_field]
    after = (
        Event.objects.count(),
        Campaign.objects.count(),
        NominationList.objects.filter(kind=ListKind.SHORTLIST).count(),
    )
    assert after == before


def test_dates_are_written_in_iso_for_the_date_input(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    meeting(branch_operator, round_, tree.branch_a1)
    page = (
        login(branch_operator)
        .get(reverse("nomination:branch", args=[round_.pk, tree.branch_a1.pk]))
        .content.decode()
    )
    values, attrs = form_values(page, "meeting-form")
    assert attrs["meeting_date"]["type"] == "date"
    assert values["meeting_date"] == timezone.localdate().isoformat()
