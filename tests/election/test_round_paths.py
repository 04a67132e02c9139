"""Hand-counted groups, 预选 → 正式选举 with the margin, a shortfall's seat reduction, and a
by-election's own sign-in: services and pages."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import Tree, login
from tests.election.meeting_setup import (
    Meeting,
    enter_batch,
    fast_hashing,
    in_session,
    marks,
    prepared,
)
from tests.record import assert_events
from tests.render import pdf_text
from tuixuan.core.errors import InvalidTransitionError, PermissionDeniedError, ValidationFailedError
from tuixuan.core.models import User
from tuixuan.election import documents, selectors, services
from tuixuan.election.models import (
    Delegate,
    DueVoter,
    Election,
    ElectionStatus,
    GroupTotal,
    ResultRow,
    Round,
    RoundKind,
    SeatReduction,
    SittingAttendance,
)
from tuixuan.record.events import EventType

__all__ = ["fast_hashing"]


def _vote(meeting: Meeting, round_: Round, ballots: list[dict[str, str]]) -> Round:
    enter_batch(meeting, round_, [marks(round_, b) for b in ballots])
    services.round_count(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))
    return services.round_release(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))


# -- hand-counted group totals -------------------------------------------------------------


def _group_post(
    round_: Round,
    label: str,
    collected: int,
    void: int,
    rows: dict[str, tuple[int, int, int]],
    write_ins: str = "",
) -> dict[str, str]:
    post = {
        "label": label,
        "ballots_collected": str(collected),
        "ballots_void": str(void),
        "write_ins": write_ins,
    }
    for i, name in enumerate(selectors.round_names(round_)):
        f, a, x = rows.get(name, (0, 0, collected - void))
        post.update({f"f{i}": str(f), f"a{i}": str(a), f"x{i}": str(x)})
    return post


def test_group_totals_page_refuses_bad_sums_in_chinese_and_counts_good_ones(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=10, seats=2)
    round_ = in_session(meeting, unit_operator)
    url = reverse("election:group_totals", args=[round_.pk])
    assert login(unit_operator).get(url).status_code == 403
    teller = login(meeting.teller_one)
    assert "分组计票结果录入" in teller.get(url).content.decode()

    bad = teller.post(url, _group_post(round_, "第一组", 6, 1, {"王明": (4, 0, 0)}))
    assert bad.status_code == 400
    page = bad.content.decode()
    row = selectors.round_names(round_).index("王明") + 1
    assert f"第 {row} 行（王明）：赞成 4 + 不赞成 0 + 弃权 0 = 4，应等于本组有效票 5 张" in page
    bad = teller.post(url, _group_post(round_, "第一组", 6, 1, {}, write_ins="钱七 2"))
    assert bad.status_code == 400 and "多于各候选人的不赞成票之和" in bad.content.decode()
    bad = teller.post(url, _group_post(round_, "第一组", 6, 1, {}, write_ins="钱七"))
    assert "另选他人第 1 行：应写作“姓名 票数”" in bad.content.decode()
    bad = teller.post(url, _group_post(round_, "第一组", 1, 2, {}))
    assert "本组废票 2 张，多于收回选票 1 张" in bad.content.decode()
    assert not GroupTotal.objects.exists()

    rows = {"王明": (5, 0, 0), "李华": (3, 2, 0), "张伟": (1, 1, 3), "赵静": (0, 1, 4)}
    with assert_events([EventType.ELECTION_GROUP_TOTALS_ENTERED]):
        ok = teller.post(url, _group_post(round_, "第一组", 6, 1, rows, write_ins="钱七，1"))
    assert ok.status_code == 302
    group = GroupTotal.objects.get(round=round_)
    assert group.write_ins == {"钱七": 1}
    enter_batch(meeting, round_, [marks(round_, {"王明": "1", "李华": "1"})] * 4)
    result = services.round_count(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))
    figures = {r.name: (r.in_favour, r.against, r.abstain) for r in result.results}
    assert figures["王明"] == (9, 0, 0) and figures["李华"] == (7, 2, 0)
    assert figures["钱七"] == (1, 0, 0)
    assert (result.ballots_collected, result.ballots_valid, result.ballots_void) == (10, 9, 1)
    assert result.elected == ("王明", "李华")


# -- 预选 then 正式选举 ---------------------------------------------------------------------


def test_the_formal_list_after_a_preliminary_keeps_the_margin(
    tree: Tree, unit_operator: User
) -> None:
    candidates = ("王明", "李华", "张伟", "赵静", "刘洋")
    meeting = prepared(tree, unit_operator, voters=5, seats=2, candidates=candidates)
    election = services.election_open(actor=unit_operator, election=meeting.election)
    for voter in DueVoter.objects.filter(election=election):
        services.attendance_mark(actor=unit_operator, due_voter=voter, present=True)
    election = services.method_adopt(actor=unit_operator, election=election, text="办法")
    preliminary = services.round_open(actor=unit_operator, election=election, kind="preliminary")
    services.ballots_issue(actor=unit_operator, round_=preliminary, issued=5)
    ballots = [{"王明": "1", "李华": "1"}] * 3 + [{"张伟": "1", "赵静": "1"}] * 2
    preliminary = _vote(meeting, preliminary, ballots)
    assert not Delegate.objects.exists()
    with pytest.raises(InvalidTransitionError, match="预选"):
        services.round_open(actor=unit_operator, election=election, kind="formal")
    with pytest.raises(InvalidTransitionError, match="预选"):
        services.runoff_start(actor=unit_operator, round_=preliminary)

    client = login(unit_operator)
    url = reverse("election:formal_candidates", args=[preliminary.pk])
    page = client.get(url).content.decode()
    assert "不少于 <strong>3</strong> 名" in page
    by_name = {c.name: c for c in election.candidates.all()}
    short = client.post(url, {"candidate": [by_name["王明"].pk, by_name["李华"].pk]})
    assert short.status_code == 400
    assert "正式候选人 2 名，少于应选名额 2 名按差额比例 20% 应有的 3 名" in short.content.decode()
    assert Round.objects.filter(election=election).count() == 1

    with pytest.raises(ValidationFailedError, match="15% 应有的 3 名"):
        services.formal_round_start(
            actor=unit_operator,
            preliminary=preliminary,
            candidates=[by_name["王明"], by_name["李华"]],
            margin=Fraction(3, 20),
        )
    chosen = [by_name[n].pk for n in ("王明", "李华", "张伟")]
    with assert_events([EventType.ELECTION_ROUND_OPENED]) as events:
        response = client.post(url, {"candidate": chosen})
    formal = Round.objects.get(election=election, kind=RoundKind.FORMAL)
    assert response["Location"] == reverse("election:round", args=[formal.pk])
    assert formal.parent_id == preliminary.pk and formal.seats == 2
    assert sorted(selectors.round_names(formal)) == sorted(["王明", "李华", "张伟"])
    assert events[0].inputs["parent_round"] == 1
    with pytest.raises(InvalidTransitionError):
        services.formal_round_start(
            actor=unit_operator, preliminary=preliminary, candidates=list(by_name.values())
        )


# -- shortfall: 另行选举 or fewer seats -------------------------------------------------------


def _shortfall(
    tree: Tree, unit_operator: User, *, seats: int, elected: list[str]
) -> tuple[Meeting, Round]:
    meeting = prepared(tree, unit_operator, voters=4, seats=seats)
    round_ = in_session(meeting, unit_operator)
    ballots = [dict.fromkeys(elected, "1")] * 3 + [{}]
    return meeting, _vote(meeting, round_, ballots)


def test_seats_are_reduced_when_close_and_agreed_and_the_election_ends(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    meeting, first = _shortfall(tree, unit_operator, seats=3, elected=["王明", "李华"])
    assert first.outcome == "shortfall"
    page = login(unit_operator).get(reverse("election:round", args=[first.pk])).content.decode()
    assert "就不足名额另行选举" in page and "经同意，减少名额" in page
    with pytest.raises(ValidationFailedError, match="实到会人数 4 人"):
        services.seats_reduce(
            actor=unit_operator,
            round_=first,
            agreed_by="electors",
            voters=5,
            votes_for=4,
            votes_against=0,
            votes_abstain=0,
        )
    with pytest.raises(ValidationFailedError, match="未超过应参加表决 4 人的半数"):
        services.seats_reduce(
            actor=unit_operator,
            round_=first,
            agreed_by="electors",
            voters=4,
            votes_for=2,
            votes_against=2,
            votes_abstain=0,
        )
    with pytest.raises(PermissionDeniedError):
        services.seats_reduce(
            actor=meeting.chief,
            round_=first,
            agreed_by="electors",
            voters=4,
            votes_for=3,
            votes_against=1,
            votes_abstain=0,
        )
    with assert_events([EventType.ELECTION_SEATS_REDUCED, EventType.ELECTION_CONCLUDED]) as events:
        response = login(unit_operator).post(
            reverse("election:seats_reduce", args=[first.pk]),
            {
                "agreed_by": "electors",
                "voters": "4",
                "votes_for": "3",
                "votes_against": "1",
                "votes_abstain": "0",
            },
        )
    assert response.status_code == 302
    assert events[0].inputs["seats_before"] == 3 and events[0].inputs["seats_after"] == 2
    assert events[0].inputs["agreed_by"] == "electors" and events[0].inputs["votes_for"] == 3
    reduction = SeatReduction.objects.get(round=first)
    assert (reduction.seats_before, reduction.seats_after) == (3, 2)
    election = Election.objects.get(pk=meeting.election.pk)
    assert election.seats == 3 and selectors.seats_in_force(election) == 2
    assert election.status == ElectionStatus.CONCLUDED
    with pytest.raises(InvalidTransitionError):
        services.separate_election_start(actor=unit_operator, round_=first)
    report = tmp_path / "result.pdf"
    documents.result_report_pdf(election, report)
    text = "".join(pdf_text(report).split())
    assert "经选举人过半数同意" in text and "应选名额由3名减为2名" in text


def test_seats_are_not_reduced_when_too_few_are_elected(tree: Tree, unit_operator: User) -> None:
    _meeting, first = _shortfall(tree, unit_operator, seats=3, elected=["王明"])
    page = login(unit_operator).get(reverse("election:round", args=[first.pk])).content.decode()
    assert "不能减少名额，须另行选举" in page and "经同意，减少名额" not in page
    with pytest.raises(ValidationFailedError, match="不能减少名额"):
        services.seats_reduce(
            actor=unit_operator,
            round_=first,
            agreed_by="presidium",
            voters=9,
            votes_for=9,
            votes_against=0,
            votes_abstain=0,
        )
    separate = services.separate_election_start(actor=unit_operator, round_=first)
    assert separate.kind == RoundKind.SEPARATE and separate.seats == 2
    with pytest.raises(InvalidTransitionError, match="新的轮次"):
        services.seats_reduce(
            actor=unit_operator,
            round_=first,
            agreed_by="presidium",
            voters=9,
            votes_for=9,
            votes_against=0,
            votes_abstain=0,
        )
    assert not SeatReduction.objects.exists()


def test_the_presidium_may_agree_to_a_reduction(tree: Tree, unit_operator: User) -> None:
    _meeting, first = _shortfall(tree, unit_operator, seats=3, elected=["王明", "李华"])
    reduction = services.seats_reduce(
        actor=unit_operator,
        round_=first,
        agreed_by="presidium",
        voters=15,
        votes_for=8,
        votes_against=5,
        votes_abstain=2,
    )
    assert reduction.get_agreed_by_display() == "大会主席团"


# -- a by-election signs in afresh ----------------------------------------------------------


def test_a_by_election_has_its_own_sign_in_and_leaves_earlier_rounds_alone(
    tree: Tree, unit_operator: User, convener: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=5, seats=2)
    round_ = in_session(meeting, unit_operator)
    first = _vote(meeting, round_, [{"王明": "1", "李华": "1"}] * 5)
    before = (first.due_voters, first.present_voters, first.result)
    removed = Delegate.objects.get(election=meeting.election, name="李华")
    with assert_events(
        [
            EventType.ELECTION_DELEGATE_REMOVED,
            EventType.ELECTION_SITTING_OPENED,
            EventType.ELECTION_ROUND_OPENED,
        ]
    ) as events:
        by_election = services.delegate_remove(
            actor=convener, delegate=removed, reason="党员身份存疑"
        )
    assert events[1].inputs["previous_sitting"]["present"] == 5
    assert events[2].inputs["sitting"] == 2 and by_election.sitting == 2
    kept = SittingAttendance.objects.get(election=meeting.election, sitting=1)
    assert (kept.due, kept.present, len(kept.present_voters)) == (5, 5, 5)
    election = Election.objects.get(pk=meeting.election.pk)
    now = selectors.attendance(election)
    assert (now.due, now.present, now.quorum_met) == (5, 0, False)
    assert not election.method_adopted

    services.round_candidates_set(
        actor=unit_operator,
        round_=by_election,
        candidates=list(election.candidates.filter(name__in=["张伟", "赵静"])),
    )
    by_election = Round.objects.get(pk=by_election.pk)
    with pytest.raises(ValidationFailedError, match="不足法定人数"):
        services.ballots_issue(actor=unit_operator, round_=by_election, issued=4)
    for voter in DueVoter.objects.filter(election=election).order_by("id")[:4]:
        services.attendance_mark(actor=unit_operator, due_voter=voter, present=True)
    services.method_adopt(actor=unit_operator, election=election, text="补选办法")
    issued = services.ballots_issue(
        actor=unit_operator, round_=Round.objects.get(pk=by_election.pk), issued=4
    )
    assert (issued.due_voters, issued.present_voters) == (5, 4)
    first.refresh_from_db()
    assert (first.due_voters, first.present_voters, first.result) == before
    assert first.sitting == 1
    done = _vote(meeting, issued, [{"张伟": "1"}] * 4)
    assert done.outcome == "complete"
    assert ResultRow.objects.filter(round=done, elected=True).get().name == "张伟"


def test_an_election_of_a_campaign_takes_its_margin_and_reduction_ratio(
    tree: Tree, unit_operator: User, convener: User
) -> None:
    from tuixuan.campaign import services as campaign_services
    from tuixuan.campaign.models import Level

    campaign = campaign_services.campaign_create(
        actor=convener,
        name="市第五次党代会",
        level=Level.CITY,
        total_seats=30,
        convening_organisation=tree.city,
        term="第五次",
    )
    campaign_services.campaign_change_settings(
        actor=convener, campaign=campaign, changes={"margin_ratio": Fraction(3, 5)}
    )
    election = services.election_create(
        actor=unit_operator,
        organisation=tree.unit_a,
        title="东河镇党员代表大会",
        body_type="members_meeting",
        profile="grassroots",
        seats=2,
        campaign_id=campaign.pk,
    )
    assert selectors.margin_ratio(election) == Fraction(3, 5)
    assert selectors.reduction_ratio(election) == Fraction(2, 3)
    alone = services.election_create(
        actor=unit_operator,
        organisation=tree.unit_a,
        title="东河村党支部党员大会",
        body_type="members_meeting",
        profile="grassroots",
        seats=2,
    )
    assert selectors.margin_ratio(alone) == Fraction(1, 5)
