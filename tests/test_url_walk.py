"""Every URL pattern × every role: nothing outside a user's subtree can be read or changed.

The patterns come from the resolver, so a new page is walked as soon as it exists; a pattern
with path parameters must have a filler in ``FILLERS`` (the test fails otherwise). A filler
names the objects that fill the parameters and the organisation that owns them. The world is
built inside 示范市委's tree (unit A mostly); the walkers stand outside the owner's subtree:
all seven roles of another city, and operators, a supervisor, a convener and a teller of
unit B. For each walker and each URL whose owner lies outside the walker's subtree:

- GET answers 403 (the role may not use that page at all), 404 (the page is the role's but
  the object is outside its subtree) or 405 (the page takes POST only), and it answers
  exactly as the same URL with missing objects does, so the status code tells nothing;
- POST (a form full of plausible values) changes no row of any domain table and writes no
  record event (walkers below the city also POST to the city's campaign pages, and everyone
  but a top-level convener to the shared calendar);
- pages without parameters that answer 200 show nothing of the owner's objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.conftest import Tree
from tests.election.meeting_setup import enter_batch, in_session, prepared
from tests.nomination.conftest import People, people, round_, seated  # noqa: F401 -- fixtures
from tests.nomination.test_views import _submit_a1
from tuixuan.campaign import services as campaign_services
from tuixuan.campaign.models import Campaign, ElectionUnit, Milestone, Stage, TargetRule
from tuixuan.core.models import Organisation, OrgType, Role, User
from tuixuan.dossier import access as dossier_access
from tuixuan.election.models import Batch, DueVoter
from tuixuan.election.models import Round as ElectionRound
from tuixuan.jobs.models import Job
from tuixuan.nomination import services as nomination_services
from tuixuan.nomination.models import BranchReport, ListEntry, ListKind, NominationList, Round
from tuixuan.notice.models import CandidateEntry, CandidateList, Notice, NoticeEntry, Objection
from tuixuan.oversight import alerts as oversight_alerts
from tuixuan.oversight import services as oversight_services
from tuixuan.oversight.models import AlertKind
from tuixuan.record.models import Event
from tuixuan.registry.models import ImportJob, Member
from tuixuan.vetting import services as vetting_services
from tuixuan.vetting.models import Case, Team
from tuixuan.vetting.models import Case as VettingCase

pytestmark = pytest.mark.django_db

DOMAIN_APPS = (
    "core",
    "registry",
    "campaign",
    "nomination",
    "vetting",
    "notice",
    "election",
    "oversight",
    "dossier",
)
MISSING = 987_654_321
POST_DATA = {
    "reason": "越权测试",
    "name": "越权测试",
    "title": "越权测试",
    "text": "越权测试",
    "present": "1",
    "q": "甲",
    "seq": "1",
    "marks": "0000",
    "issued": "1",
    "ballot_count": "1",
    "count": "1",
    "votes": "1",
    "date": "2027-10-08",
    "is_working_day": "1",
    "deadline": "2027-10-08",
    "start": "2027-09-01",
    "members_due": "7",
    "members_present": "6",
    "presider": "越权",
    "meeting_place": "越权",
    "attendance_due": "9",
    "attendance_present": "8",
    # Irreversible steps go ahead only with the dialog's confirmation (core/forms.py).
    "confirm": "1",
    "accountable_person": "越权",
    "decision": "越权",
    "candidate": "1",
    "member": "1",
    "mode": "onsite",
    "seats": "1",
}


def _post_data(w: World) -> dict[str, str]:
    """The plausible values with what depends on the world: dates the sanity rules accept
    (not before the campaign was set up, not after today) and the report's current version,
    so that a correction is refused for its scope, not for a stale page."""
    today = timezone.localdate().isoformat()
    report = BranchReport.objects.get(pk=w.report_pk)
    return dict(
        POST_DATA,
        org=w.tree.unit_a.code,
        meeting_date=today,
        decided_on=today,
        closed_on=today,
        reopened_on=today,
        version=str(report.version),
        # the vetting forms (tuixuan/vetting/forms.py)
        formed_on=today,
        issued_on=today,
        starts_on=today,
        ends_on=today,
        scope="越权",
        contact_person="越权",
        contact_phone="0000",
        leader=str(w.inspector.pk),
        cases=str(w.case.pk),
        case=str(w.case.pk),
        **{f"votes_{w.case.pk}": "8"},
        talk_0="3",
        category="党员",
        talked_on=today,
        interviewee="越权",
        note="越权",
        held_on=today,
        due="10",
        participants="9",
        g_0_0="9",
        material="越权",
        opinion="agree",
        signed_on=today,
        item="党员档案",
        checked_on=today,
        checked_by="越权",
        finding="clear",
        done_on=today,
        done_by="越权",
        department="公安",
        sent_on=today,
        working_days="5",
        reminded_on=today,
        outcome="clear",
        reviewer="越权",
        replied_on=today,
        withdrawn_on=today,
    )


def _post(client: Client, url: str, data: dict[str, str]) -> Any:
    """POST with a fresh one-time key, as a form shown just now carries (core/forms.py)."""
    return client.post(url, dict(data, once=secrets.token_urlsafe(24)))


# Pages that change what the whole installation shares: the convener at the top of a tree
# may change them (tests/campaign/test_calendar_owner.py), so the walk does not POST there
# as such a convener.
TOP_LEVEL_WRITES = frozenset({"campaign:calendar"})


@dataclass
class Fill:
    kwargs: dict[str, Any]
    owner: Organisation | None
    """The organisation whose subtree owns the objects; None for shared ones (not walked)."""


@dataclass
class World:
    tree: Tree
    campaign: Campaign
    unit: ElectionUnit
    target: TargetRule
    milestone: Milestone
    override_pk: int
    round: Round
    report_pk: int
    nomination_list: NominationList
    shortlist: NominationList
    feedback_pk: int
    election_pk: int
    voter_pk: int
    election_round: ElectionRound
    batch: Batch
    member: Member
    import_job: ImportJob
    import_task: Job
    export_task: Job
    member_export_task: Job
    draw_task: Job
    account: User
    notice: Notice
    objection: Objection
    candidate_list: CandidateList
    inspector: User
    case: Case
    team: Team
    notice_pk: int
    veto_pk: int
    request_pk: int
    reply_pk: int
    finding_pk: int
    alert_pk: int
    markers: list[str]


def _owned_by(org: Organisation, **kwargs: Any) -> Fill:
    return Fill(kwargs, org)


def _shared(**kwargs: Any) -> Fill:
    return Fill(kwargs, None)


W = World
FILLERS: dict[str, Callable[[World], Fill]] = {
    # core
    "core:home": lambda w: _shared(),
    "core:login": lambda w: _shared(),
    "core:logout": lambda w: _shared(),
    "core:login_log": lambda w: _shared(),
    "accounts:password_change": lambda w: _shared(),
    "accounts:account_list": lambda w: _shared(),
    "accounts:account_create": lambda w: _shared(),
    "accounts:account_import": lambda w: _shared(),
    "accounts:account_import_template": lambda w: _shared(),
    "accounts:address_unlock": lambda w: _shared(),
    **{
        f"accounts:{name}": (lambda w: _owned_by(w.tree.branch_a1, pk=w.account.pk))
        for name in ("account_detail", "account_unlock", "account_reset", "account_set_active")
    },
    # registry
    "registry:tree": lambda w: _shared(),
    "registry:org": lambda w: _owned_by(w.tree.branch_a1, pk=w.tree.branch_a1.pk),
    "registry:members": lambda w: _shared(),
    "registry:members_export": lambda w: _shared(),
    "registry:members_export_progress": lambda w: _owned_by(
        w.tree.unit_a, pk=w.member_export_task.pk
    ),
    "registry:members_export_download": lambda w: _owned_by(
        w.tree.unit_a, pk=w.member_export_task.pk
    ),
    "registry:member": lambda w: _owned_by(w.tree.branch_a1, pk=w.member.pk),
    "registry:import": lambda w: _shared(),
    "registry:import_template": lambda w: _shared(kind="members"),
    "registry:import_progress": lambda w: _owned_by(w.tree.unit_a, pk=w.import_task.pk),
    "registry:import_job": lambda w: _owned_by(w.tree.unit_a, pk=w.import_job.pk),
    "registry:import_errors": lambda w: _owned_by(w.tree.unit_a, pk=w.import_job.pk),
    # campaign
    "campaign:list": lambda w: _shared(),
    "campaign:create": lambda w: _shared(),
    "campaign:calendar": lambda w: _shared(),
    # The calendar is one for the whole tree (tests/campaign/test_calendar_owner.py).
    "campaign:calendar_remove": lambda w: _shared(pk=w.override_pk),
    "campaign:detail": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk),
    "campaign:settings": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk),
    "campaign:status": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk, action="complete"),
    "campaign:units": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk),
    "campaign:allocation": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk),
    "campaign:allocation_action": lambda w: _owned_by(
        w.tree.city, pk=w.campaign.pk, action="propose"
    ),
    "campaign:targets": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk),
    "campaign:milestones": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk),
    "campaign:milestones_action": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk, action="set"),
    "campaign:document": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk, name="allocation.xlsx"),
    "campaign:unit": lambda w: _owned_by(w.tree.unit_a, pk=w.unit.pk),
    "campaign:unit_remove": lambda w: _owned_by(w.tree.unit_a, pk=w.unit.pk),
    "campaign:target_remove": lambda w: _owned_by(w.tree.city, pk=w.target.pk),
    "campaign:milestone_complete": lambda w: _owned_by(w.tree.city, pk=w.milestone.pk),
    # nomination
    "nomination:index": lambda w: _shared(),
    "nomination:open": lambda w: _owned_by(w.tree.city, campaign_pk=w.campaign.pk),
    "nomination:round": lambda w: _owned_by(w.tree.city, pk=w.round.pk),
    **{
        f"nomination:{name}": (
            lambda w: _owned_by(w.tree.branch_a1, pk=w.round.pk, org_pk=w.tree.branch_a1.pk)
        )
        for name in (
            "branch",
            "branch_meeting",
            "branch_form_add",
            "branch_totals",
            "branch_participation",
            "branch_import",
            "branch_template",
            "branch_submit",
            "branch_pdf",
            "search",
        )
    },
    "nomination:branch_form_remove": lambda w: _owned_by(
        w.tree.branch_a1, pk=w.round.pk, org_pk=w.tree.branch_a1.pk, form_no=1
    ),
    "nomination:report_correct": lambda w: _owned_by(w.tree.branch_a1, pk=w.report_pk),
    "nomination:meeting_correct": lambda w: _owned_by(w.tree.branch_a1, pk=w.report_pk),
    **{
        f"nomination:{name}": (
            lambda w: _owned_by(w.tree.unit_a, pk=w.round.pk, org_pk=w.tree.unit_a.pk)
        )
        for name in ("level", "level_recommend", "exemption", "level_xlsx", "unit_docx")
    },
    "nomination:level_decide": lambda w: _owned_by(
        w.tree.unit_a, pk=w.round.pk, org_pk=w.tree.unit_a.pk, kind=ListKind.POOL
    ),
    "nomination:round_close": lambda w: _owned_by(
        w.tree.unit_a, pk=w.round.pk, org_pk=w.tree.unit_a.pk, stage="first_up"
    ),
    "nomination:level_reopen": lambda w: _owned_by(
        w.tree.unit_a, pk=w.round.pk, org_pk=w.tree.unit_a.pk, kind=ListKind.SHORTLIST
    ),
    "nomination:late_admit": lambda w: _owned_by(
        w.tree.unit_a, pk=w.round.pk, org_pk=w.tree.unit_a.pk, report_pk=w.report_pk
    ),
    "nomination:list": lambda w: _owned_by(w.tree.unit_a, pk=w.nomination_list.pk),
    "nomination:list_hand_down": lambda w: _owned_by(w.tree.unit_a, pk=w.nomination_list.pk),
    "nomination:list_correct": lambda w: _owned_by(w.tree.unit_a, pk=w.nomination_list.pk),
    "nomination:feedback": lambda w: _owned_by(
        w.tree.branch_a1, pk=w.nomination_list.pk, org_pk=w.tree.branch_a1.pk
    ),
    # The handed-down 考察对象 list and unit A's branch A1's submitted 二上 view of it.
    "nomination:feedback_sheet": lambda w: _owned_by(
        w.tree.branch_a1, pk=w.shortlist.pk, org_pk=w.tree.branch_a1.pk
    ),
    "nomination:feedback_correct": lambda w: _owned_by(
        w.tree.branch_a1, pk=w.shortlist.pk, fb_pk=w.feedback_pk
    ),
    # election
    "election:list": lambda w: _shared(),
    # Lists only the units of the reader's own subtree; a POST names no unit (404).
    "election:create_from_unit": lambda w: _shared(),
    "election:campaign_results": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk),
    "election:campaign_results_file": lambda w: _owned_by(
        w.tree.city, pk=w.campaign.pk, fmt="xlsx"
    ),
    **{
        f"election:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.election_pk))
        for name in (
            "detail",
            "meeting_date",
            "candidates_add",
            "candidates_take",
            "voters",
            "electorate_draw",
            "staff_add",
            "open",
            "signin",
            "signin_count",
            "method_adopt",
            "round_open",
            "report",
            "screen",
            "screen_partial",
            "credentials",
        )
    },
    "election:draw_progress": lambda w: _owned_by(w.tree.unit_a, pk=w.draw_task.pk),
    "election:voter_exclude": lambda w: _owned_by(
        w.tree.unit_a, pk=w.election_pk, voter_pk=w.voter_pk
    ),
    "election:signin_toggle": lambda w: _owned_by(
        w.tree.unit_a, pk=w.election_pk, voter_pk=w.voter_pk
    ),
    "election:result_report": lambda w: _owned_by(w.tree.unit_a, pk=w.election_pk, fmt="pdf"),
    **{
        f"election:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.election_round.pk))
        for name in (
            "round",
            "round_issue",
            "round_candidates",
            "ballots_print",
            "batch_create",
            "group_totals",
            "formal_candidates",
            "seats_reduce",
        )
    },
    "election:ballots_pdf": lambda w: _owned_by(w.tree.unit_a, pk=w.election_round.pk, run=1),
    "election:count_report": lambda w: _owned_by(w.tree.unit_a, pk=w.election_round.pk, fmt="pdf"),
    "election:round_action": lambda w: _owned_by(
        w.tree.unit_a, pk=w.election_round.pk, action="count"
    ),
    **{
        f"election:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.batch.pk))
        for name in ("batch_enter", "batch_enter_save", "batch_submit", "batch_differences")
    },
    # the record
    "dossier:index": lambda w: _shared(),
    "dossier:verify": lambda w: _shared(),
    "dossier:member_book": lambda w: _owned_by(w.tree.branch_a1, pk=w.member.pk),
    "dossier:book": lambda w: _owned_by(w.tree.branch_a1, token=_token(w)),
    "dossier:book_file": lambda w: _owned_by(w.tree.branch_a1, token=_token(w), fmt="pdf"),
    "dossier:person_accountability": lambda w: _owned_by(w.tree.branch_a1, token=_token(w)),
    "dossier:org_accountability": lambda w: _owned_by(w.tree.unit_a, pk=w.tree.unit_a.pk),
    "dossier:unit_form": lambda w: _owned_by(w.tree.unit_a, pk=w.tree.unit_a.pk),
    "dossier:unit_form_file": lambda w: _owned_by(w.tree.unit_a, pk=w.tree.unit_a.pk, fmt="pdf"),
    "dossier:export": lambda w: _shared(),
    "dossier:export_progress": lambda w: _owned_by(w.tree.unit_a, pk=w.export_task.pk),
    "dossier:export_download": lambda w: _owned_by(w.tree.unit_a, pk=w.export_task.pk),
    "jobs:retry": lambda w: _owned_by(w.tree.unit_a, pk=w.import_task.pk),
    # oversight
    "oversight:index": lambda w: _shared(),
    **{
        f"oversight:{name}": (lambda w: _owned_by(w.tree.city, pk=w.campaign.pk))
        for name in (
            "board",
            "board_xlsx",
            "board_chart",
            "report_docx",
            "report_send",
            "analysis",
        )
    },
    "oversight:analysis_file": lambda w: _owned_by(w.tree.city, pk=w.campaign.pk, fmt="xlsx"),
    "oversight:unit": lambda w: _owned_by(w.tree.unit_a, pk=w.unit.pk),
    "oversight:activities": lambda w: _owned_by(w.tree.unit_a, pk=w.unit.pk),
    "oversight:survey": lambda w: _owned_by(w.tree.unit_a, pk=w.unit.pk),
    "oversight:inbox": lambda w: _shared(),
    "oversight:alert_read": lambda w: _owned_by(w.tree.unit_a, pk=w.alert_pk),
    "oversight:alert_acknowledge": lambda w: _owned_by(w.tree.unit_a, pk=w.alert_pk),
    "oversight:findings": lambda w: _shared(),
    "oversight:finding_new": lambda w: _owned_by(w.tree.unit_a, pk=w.tree.unit_a.pk),
    "oversight:finding": lambda w: _owned_by(w.tree.unit_a, pk=w.finding_pk),
    "oversight:finding_answer": lambda w: _owned_by(w.tree.unit_a, pk=w.finding_pk),
    "oversight:finding_conclude": lambda w: _owned_by(
        w.tree.unit_a, pk=w.finding_pk, action="close"
    ),
    "oversight:supervision": lambda w: _shared(),
    "oversight:rulings": lambda w: _owned_by(w.tree.unit_a, pk=w.election_pk),
    # notice
    "notice:index": lambda w: _shared(),
    **{
        f"notice:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.unit.pk))
        for name in ("unit", "prepare", "placement_add", "decide", "decide_post", "suggest")
    },
    **{
        f"notice:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.notice.pk))
        for name in ("notice", "revise", "publish", "extend", "close", "objection_add")
    },
    "notice:notice_file": lambda w: _owned_by(w.tree.unit_a, pk=w.notice.pk, fmt="pdf"),
    **{
        f"notice:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.objection.pk))
        for name in (
            "objection",
            "objection_assign",
            "objection_investigate",
            "objection_conclude",
        )
    },
    "notice:objection_attachment": lambda w: _owned_by(
        w.tree.unit_a, pk=w.objection.pk, position=0
    ),
    **{
        f"notice:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.candidate_list.pk))
        for name in ("list", "list_submit", "list_review")
    },
    "notice:list_file": lambda w: _owned_by(
        w.tree.unit_a, pk=w.candidate_list.pk, doc="forms", fmt="pdf"
    ),
    "notice:list_person_form": lambda w: _owned_by(
        w.tree.unit_a, pk=w.candidate_list.pk, member_pk=w.member.pk, fmt="pdf"
    ),
    # vetting: unit A's cases (its 考察对象 list), team, notice, veto and 纪检 request
    "vetting:index": lambda w: _shared(),
    **{
        f"vetting:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.unit.pk))
        for name in ("board", "open", "team_form", "request_send", "decide")
    },
    "vetting:summary": lambda w: _owned_by(w.tree.unit_a, pk=w.unit.pk, fmt="xlsx"),
    **{
        f"vetting:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.team.pk))
        for name in (
            "team",
            "team_change",
            "assign",
            "notice_issue",
            "evaluation_sheet",
            "evaluation_import",
        )
    },
    "vetting:notice_document": lambda w: _owned_by(w.tree.unit_a, pk=w.notice_pk, fmt="pdf"),
    **{
        f"vetting:{name}": (lambda w: _owned_by(w.tree.branch_a1, pk=w.case.pk))
        for name in (
            "case",
            "talks",
            "talk_note",
            "evaluation",
            "report",
            "sign",
            "check",
            "cadre_check",
            "exemption",
            "set_aside",
            "withdraw",
        )
    },
    "vetting:material": lambda w: _owned_by(w.tree.branch_a1, pk=w.case.pk, fmt="pdf"),
    "vetting:veto_lift": lambda w: _owned_by(w.tree.branch_a1, pk=w.veto_pk),
    **{
        f"vetting:{name}": (lambda w: _owned_by(w.tree.unit_a, pk=w.request_pk))
        for name in ("request", "remind", "reply_sheet", "reply_import")
    },
    "vetting:letter": lambda w: _owned_by(w.tree.unit_a, pk=w.request_pk, fmt="pdf"),
    "vetting:reply": lambda w: _owned_by(w.tree.unit_a, pk=w.request_pk, reply_pk=w.reply_pk),
}


def _token(w: World) -> str:
    return dossier_access.person_token(member_id=w.member.pk)


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every named pattern of the site, with its namespaced name, found recursively."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = p.namespace or namespace
                yield from walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else str(p.name)
                yield name, p

    yield from walk(get_resolver().url_patterns, "")


def _missing(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The same URL with objects that do not exist."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, int):
            out[key] = MISSING
        elif key == "token":
            out[key] = (
                dossier_access.person_token(member_id=MISSING)
                if ":" in str(value)
                else "0" * len(str(value))
            )
        else:
            out[key] = value
    return out


def _snapshot() -> dict[str, str]:
    """A digest of every row of every domain table."""
    digests = {}
    for model in apps.get_models():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        rows = list(model._default_manager.order_by("pk").values_list())
        digests[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def _changes(url: str, posters: list[str], state: dict[str, Any]) -> list[str]:
    """What the POSTs to one URL changed, as leak lines (the state moves on, so each change
    is told once). One snapshot per URL keeps the walk to a few minutes; a failure names the
    walkers who posted, and rerunning that URL alone tells which one."""
    found = []
    after = _snapshot()
    if after != state["rows"]:
        changed = sorted(k for k in after if after[k] != state["rows"][k])
        found.append(f"POST {url} as one of {posters} changed {changed}")
        state["rows"] = after
    events = Event.objects.count()
    if events != state["events"]:
        found.append(f"POST {url} as one of {posters} wrote a record event")
        state["events"] = events
    return found


def _related(walker: Organisation, owner: Organisation) -> bool:
    return walker.path.startswith(owner.path) or owner.path.startswith(walker.path)


@pytest.fixture
def world(
    tree: Tree,
    convener: User,
    unit_operator: User,
    branch_operator: User,
    round_: Round,  # noqa: F811 -- fixture
    people: People,  # noqa: F811 -- fixture
    settings: Any,
    tmp_path: Any,
) -> World:
    settings.DATA_DIR = tmp_path / "data"
    the_campaign = round_.campaign
    unit = ElectionUnit.objects.get(campaign=the_campaign, organisation=tree.unit_a)
    target = campaign_services.target_add(
        actor=convener,
        campaign=the_campaign,
        category="front_line",
        comparator=">=",
        threshold=Fraction(1, 3),
    )
    milestone = Milestone.objects.create(
        campaign=the_campaign, stage=Stage.FIRST_UP, position=1, deadline=dt.date(2026, 12, 30)
    )
    override = campaign_services.calendar_override_set(
        actor=convener, date=dt.date(2027, 10, 1), is_working_day=False, name="国庆节"
    )
    report = _submit_a1(round_, tree, people, branch_operator)
    nomination_list = NominationList.objects.create(
        round=round_,
        organisation=tree.unit_a,
        unit=unit,
        kind=ListKind.POOL,
        decided_on=dt.date(2026, 11, 25),
        attendance_due=9,
        attendance_present=9,
        decision="界内研究决定",
        accountable_person="界内书记",
        created_by=unit_operator,
    )
    shortlist = NominationList.objects.create(
        round=round_,
        organisation=tree.unit_a,
        unit=unit,
        kind=ListKind.SHORTLIST,
        decided_on=dt.date(2026, 11, 25),
        attendance_due=9,
        attendance_present=9,
        decision="界内考察对象决定",
        accountable_person="界内书记",
        created_by=unit_operator,
    )
    ListEntry.objects.create(nomination_list=shortlist, candidate=people.a1[0], position=1)
    nomination_services.shortlist_hand_down(actor=unit_operator, shortlist=shortlist)
    feedback = nomination_services.feedback_submit(
        actor=branch_operator,
        shortlist=shortlist,
        organisation=tree.branch_a1,
        meeting_date=timezone.localdate(),
        members_due=7,
        members_present=7,
        accountable_person="界内二上书记",
        views={people.a1[0].pk: (5, 1, 0)},
    )
    meeting = prepared(tree, unit_operator, voters=4)
    election_round = in_session(meeting, unit_operator)
    enter_batch(meeting, election_round, ["1100", "1010"])
    batch = Batch.objects.filter(round=election_round).first()
    assert batch is not None
    voter = DueVoter.objects.filter(election=meeting.election).first()
    assert voter is not None
    member = people.a1[0]
    import_job = ImportJob.objects.create(
        kind=ImportJob.Kind.MEMBERS,
        status=ImportJob.Status.FAILED,
        file_name="界内名册.xlsx",
        file_sha256="0" * 64,
        created_by=unit_operator,
        scope=tree.unit_a,
        errors=[{"row": 2, "column": "姓名", "reason": "界内错误"}],
        error_count=1,
    )
    import_task = Job.objects.create(
        kind=Job.Kind.IMPORT,
        created_by=unit_operator,
        status=Job.Status.FAILED,
        error="界内",
        result={"import_job": import_job.pk},
    )
    export_task = Job.objects.create(
        kind=Job.Kind.EXPORT_BOOKS,
        created_by=unit_operator,
        status=Job.Status.DONE,
        total=1,
        done=1,
        result={"name": "界内"},
    )
    member_export_task = Job.objects.create(
        kind=Job.Kind.EXPORT_MEMBERS,
        created_by=unit_operator,
        status=Job.Status.DONE,
        total=1,
        done=1,
        params={"filters": {}, "org": "界内"},
        result={"rows": 1, "org": "界内"},
    )
    draw_task = Job.objects.create(
        kind=Job.Kind.ELECTORATE_DRAW,
        created_by=unit_operator,
        status=Job.Status.DONE,
        params={"election": meeting.election.pk},
        title=meeting.election.title,
    )
    (settings.DATA_DIR / "exports").mkdir(parents=True, exist_ok=True)
    # Vetting: the handed-down list's person becomes a case, inspected by a team of unit A,
    # with a veto from a check and a request to 纪检.
    inspector = factories.user(Role.INSPECTOR, tree.unit_a, username="a_inspector")
    case = vetting_services.cases_open(actor=unit_operator, shortlist=shortlist)[0]
    team = vetting_services.team_form(
        actor=unit_operator,
        unit=unit,
        name="界内考察组",
        leader=inspector,
        formed_on=timezone.localdate(),
    )
    vetting_services.cases_assign(actor=unit_operator, team=team, cases=[case])
    inspection_notice = vetting_services.notice_issue(
        actor=unit_operator,
        team=team,
        cases=[case],
        issued_on=timezone.localdate(),
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        scope="界内预告范围",
        contact_person="界内联系人",
        contact_phone="0000",
    )
    vetting_services.check_record(
        actor=unit_operator,
        case=case,
        item="党员档案",
        checked_on=timezone.localdate(),
        checked_by="界内核查人",
        finding="problem",
        detail="界内问题",
        disqualification="党员身份存疑",
    )
    vetting_request = vetting_services.department_request_send(
        actor=unit_operator,
        unit=unit,
        department="纪检",
        cases=[case],
        sent_on=timezone.localdate(),
    )
    # 公示, an objection and a decided list of unit A (their services are tested in
    # tests/notice; here they only need to exist), for a second person of the list.
    selected = VettingCase.objects.create(
        campaign=the_campaign,
        unit=unit,
        member=people.a1[1],
        list_entry=shortlist.entries.get(),
        status="selected",
        closed_on=dt.date(2026, 11, 26),
    )
    public_notice = Notice.objects.create(
        campaign=the_campaign,
        unit=unit,
        kind="preliminary",
        status="published",
        scope="unit",
        channels=["公示栏"],
        contact_phone="界内受理电话",
        contact_address="界内通信地址",
        working_days=5,
        published_on=dt.date(2026, 11, 27),
        ends_on=dt.date(2026, 12, 4),
        text="界内公示内容",
        created_by=unit_operator,
    )
    entry = NoticeEntry.objects.create(
        notice=public_notice, case=selected, member=selected.member, position=1
    )
    objection = Objection.objects.create(
        notice=public_notice,
        entry=entry,
        received_on=dt.date(2026, 11, 28),
        channel="letter",
        content="界内举报内容",
        recorded_by=unit_operator,
    )
    candidate_list = CandidateList.objects.create(
        campaign=the_campaign,
        unit=unit,
        decided_on=dt.date(2026, 12, 1),
        attendance_due=9,
        attendance_present=9,
        decision="界内二下决定",
        accountable_person="界内书记",
        seats=1,
        created_by=unit_operator,
    )
    CandidateEntry.objects.create(
        candidate_list=candidate_list,
        member=selected.member,
        case=selected,
        origin="unit",
        votes=9,
        position=1,
    )
    case = Case.objects.get(pk=case.pk)
    inside_supervisor = factories.user(Role.SUPERVISOR, tree.city, username="city_supervisor")
    finding = oversight_services.finding_raise(
        actor=inside_supervisor,
        organisation=tree.unit_a,
        kind="opinion",
        title="界内监督意见",
        text="界内监督意见内容",
        due_on=timezone.localdate(),
        campaign_id=the_campaign.pk,
    )
    alert = oversight_alerts.raise_alert(
        cause="url-walk",
        kind=AlertKind.MILESTONE_MISSED,
        organisation=tree.unit_a,
        campaign_id=the_campaign.pk,
        title="界内预警",
    )
    assert alert is not None
    markers = [
        "界内监督意见",
        "界内预警",
        "界内受理电话",
        "界内公示内容",
        "界内举报内容",
        "界内二下决定",
        "界内研究决定",
        "界内考察对象决定",
        "界内二上书记",
        "界内名册",
        meeting.election.title,
        people.sanctioned.name,
        *[m.citizen_id for m in people.a1],
        member.name,
    ]
    return World(
        tree=tree,
        campaign=the_campaign,
        unit=unit,
        target=target,
        milestone=milestone,
        override_pk=override.pk,
        round=round_,
        report_pk=report.pk,
        nomination_list=nomination_list,
        shortlist=shortlist,
        feedback_pk=feedback.pk,
        election_pk=meeting.election.pk,
        voter_pk=voter.pk,
        election_round=election_round,
        batch=batch,
        member=member,
        finding_pk=finding.pk,
        alert_pk=alert.pk,
        import_job=import_job,
        import_task=import_task,
        export_task=export_task,
        member_export_task=member_export_task,
        draw_task=draw_task,
        account=factories.user(Role.BRANCH_OPERATOR, tree.branch_a1, username="a1_account"),
        notice=public_notice,
        objection=objection,
        candidate_list=candidate_list,
        inspector=inspector,
        case=case,
        team=team,
        notice_pk=inspection_notice.pk,
        veto_pk=case.vetoes.get().pk,
        request_pk=vetting_request.pk,
        reply_pk=vetting_request.replies.get().pk,
        markers=[*markers, "界内考察组", "界内预告范围", "界内问题"],
    )


def _walkers(tree: Tree) -> list[User]:
    """All seven roles of another city, and a second unit, branch, supervisor, convener and
    teller in unit B's subtree (outside unit A, inside the city)."""
    city = factories.organisation("外市委", org_type=OrgType.CITY, code="X")
    town = factories.organisation("外镇党委", parent=city, org_type=OrgType.COMMITTEE, code="XA")
    branch = factories.organisation("外村党支部", parent=town, code="XA1")
    factories.member(branch, "外市党员")
    return [
        factories.user(Role.CONVENER, city, username="x_convener"),
        factories.user(Role.UNIT_OPERATOR, town, username="x_unit"),
        factories.user(Role.BRANCH_OPERATOR, branch, username="x_branch"),
        factories.user(Role.INSPECTOR, city, username="x_inspector"),
        factories.user(
            Role.DEPARTMENT_REVIEWER, city, username="x_reviewer", department="纪检监察"
        ),
        factories.user(Role.SUPERVISOR, city, username="x_supervisor"),
        factories.user(Role.TELLER, town, username="x_teller"),
        factories.user(Role.UNIT_OPERATOR, tree.unit_b, username="b_unit"),
        factories.user(Role.BRANCH_OPERATOR, tree.branch_b1, username="b_branch"),
        factories.user(Role.SUPERVISOR, tree.unit_b, username="b_supervisor"),
        factories.user(Role.CONVENER, tree.unit_b, username="b_convener"),
        factories.user(Role.TELLER, tree.unit_b, username="b_teller"),
        factories.user(
            Role.DEPARTMENT_REVIEWER, tree.unit_b, username="b_reviewer", department="组织部"
        ),
    ]


def test_every_pattern_has_a_filler() -> None:
    names = [name for name, _pattern in url_patterns()]
    missing = sorted(set(names) - set(FILLERS))
    assert not missing, f"URL patterns with no filler in tests/test_url_walk.py: {missing}"
    stale = sorted(set(FILLERS) - set(names))
    assert not stale, f"fillers for patterns that no longer exist: {stale}"
    assert len(names) == len(set(names)), "two patterns share a name"


def test_no_role_reads_or_changes_anything_outside_its_subtree(world: World) -> None:
    walkers = _walkers(world.tree)
    clients: dict[str, Client] = {}
    for user in walkers:
        client = Client()
        client.force_login(user)
        clients[user.username] = client
    patterns = list(url_patterns())
    leaks: list[str] = []
    checked = 0
    state = {"rows": _snapshot(), "events": Event.objects.count()}
    data = _post_data(world)
    for name, _pattern in patterns:
        fill = FILLERS[name](world)
        url = reverse(name, kwargs=fill.kwargs)
        missing_url = reverse(name, kwargs=_missing(fill.kwargs)) if fill.kwargs else None
        posters: list[str] = []
        for user in walkers:
            org = user.organisation
            assert org is not None
            client = clients[user.username]
            top_convener = user.role == Role.CONVENER and org.parent_id is None
            if fill.owner is None and fill.kwargs:
                # A shared object (the calendar): only the top of a tree may change it.
                if not top_convener:
                    _post(client, url, data)
                    posters.append(user.username)
                continue
            if fill.owner is not None and _related(org, fill.owner):
                # Below the city (unit B under the city's campaign): reading may be allowed,
                # changing is not.
                if fill.owner.pk == world.tree.city.pk and org.pk != fill.owner.pk:
                    _post(client, url, data)
                    posters.append(user.username)
                continue  # inside or above the walker's subtree: the area tests cover it
            response = client.get(url)
            checked += 1
            body = b"" if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            if fill.kwargs:
                if response.status_code not in (403, 404, 405):
                    leaks.append(f"GET {url} as {user.username}: {response.status_code}")
                assert missing_url is not None
                other = client.get(missing_url)
                if other.status_code != response.status_code:
                    leaks.append(
                        f"GET {url} as {user.username}: {response.status_code}, but "
                        f"{other.status_code} for missing objects"
                    )
            if response.status_code == 200:
                shown = [m for m in world.markers if m in text]
                if shown:
                    leaks.append(f"GET {url} as {user.username} shows {shown}")
            if name == "core:logout":
                continue  # POST logs the walker out: no domain state, and the walk goes on
            if name in TOP_LEVEL_WRITES and top_convener:
                continue  # the top of a tree keeps the shared calendar
            posted = _post(client, url, data)
            posters.append(user.username)
            if fill.kwargs and posted.status_code not in (403, 404, 405):
                leaks.append(f"POST {url} as {user.username}: {posted.status_code}")
        if posters:
            leaks += _changes(url, posters, state)
    assert not leaks, "\n".join(leaks)
    assert checked > len(patterns) * 5  # every pattern walked by most of the walkers
