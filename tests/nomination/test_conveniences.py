"""Bulk conveniences: 全部设为现场, own members first in the search, 二上 from Excel."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import Tree, login
from tests.nomination.conftest import People
from tuixuan.core.models import User
from tuixuan.nomination.models import Participation, ParticipationMode, Round
from tuixuan.registry.models import Member


def test_all_onsite_sets_every_member_then_the_few_are_changed(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    url = reverse("nomination:branch_participation", args=[round_.pk, tree.branch_a1.pk])
    members = list(Member.objects.filter(organisation=tree.branch_a1))
    client = login(branch_operator)
    response = client.post(url, {"all": "onsite", **{f"mode_{m.pk}": "" for m in members}})
    assert response.status_code == 302
    modes = dict(Participation.objects.values_list("member_id", "mode"))
    assert modes == {m.pk: ParticipationMode.ONSITE for m in members}
    few = {f"mode_{m.pk}": "onsite" for m in members} | {f"mode_{members[0].pk}": "phone"}
    client.post(url, few)
    modes = dict(Participation.objects.values_list("member_id", "mode"))
    assert modes[members[0].pk] == ParticipationMode.PHONE
    assert sum(1 for v in modes.values() if v == ParticipationMode.ONSITE) == len(members) - 1
    page = client.get(reverse("nomination:branch", args=[round_.pk, tree.branch_a1.pk]))
    assert "全部设为现场" in page.content.decode()


def test_the_name_search_puts_the_branchs_own_members_first(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    # 乙… (branch A2) sorts before 甲… (branch A1) by name; A1's own page lists A1 first.
    for m in (people.a1[0], people.a2[0]):
        m.name_initials = "zz"
        m.save()
    html = (
        login(branch_operator)
        .get(reverse("nomination:search", args=[round_.pk, tree.branch_a1.pk]), {"q": "zz"})
        .content.decode()
    )
    assert html.index(people.a1[0].name) < html.index(people.a2[0].name)
    html = (
        login(unit_operator)
        .get(reverse("nomination:search", args=[round_.pk, tree.branch_a2.pk]), {"q": "zz"})
        .content.decode()
    )
    assert html.index(people.a2[0].name) < html.index(people.a1[0].name)


def _filled_sheet(content: bytes, votes: dict[str, tuple[int, int, int]]) -> bytes:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ws = wb["二上意见"]
    for row in ws.iter_rows():
        name = row[1].value
        if isinstance(name, str) and name in votes:
            row[2].value, row[3].value, row[4].value = votes[name]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_second_up_votes_come_in_from_the_sheet_the_system_hands_out(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.nomination.test_services import _a2_reported, _decide, _submitted_a1
    from tuixuan.core import clock
    from tuixuan.nomination import services
    from tuixuan.nomination.models import Feedback, FeedbackView
    from tuixuan.record.models import Event

    _submitted_a1(round_, tree, people, branch_operator)
    _a2_reported(round_, tree, people)  # a decision needs every branch reported
    sl = _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk, people.a2[0].pk])
    services.shortlist_hand_down(actor=unit_operator, shortlist=sl)
    client = login(branch_operator)
    page_url = reverse("nomination:feedback", args=[sl.pk, tree.branch_a1.pk])
    sheet = client.get(reverse("nomination:feedback_sheet", args=[sl.pk, tree.branch_a1.pk]))
    assert sheet.status_code == 200
    content = _filled_sheet(
        sheet.content, {people.a1[0].name: (5, 1, 0), people.a2[0].name: (4, 1, 1)}
    )

    events = Event.objects.count()
    bad = _filled_sheet(sheet.content, {people.a1[0].name: (5, -1, 0)})
    refused = client.post(page_url, {"sheet": SimpleUploadedFile("二上.xlsx", bad)})
    assert f"“{people.a1[0].name}”：赞成、不赞成、弃权票数应为非负整数" in refused.content.decode()
    assert Event.objects.count() == events and not Feedback.objects.exists()

    loaded = client.post(page_url, {"sheet": SimpleUploadedFile("二上.xlsx", content)})
    html = loaded.content.decode()
    assert loaded.status_code == 200 and "已从 Excel 读入" in html
    a1, a2 = people.a1[0].pk, people.a2[0].pk
    assert f'name="agree_{a1}" value="5"' in html and f'name="abstain_{a2}" value="1"' in html
    assert not Feedback.objects.exists()  # read only; the branch still confirms

    done = client.post(
        page_url,
        {
            "meeting_date": clock.today().isoformat(),  # on or after the hand-down
            "members_due": 7,
            "members_present": 6,
            "accountable_person": "王书记",
            f"agree_{a1}": 5,
            f"disagree_{a1}": 1,
            f"abstain_{a1}": 0,
            f"agree_{a2}": 4,
            f"disagree_{a2}": 1,
            f"abstain_{a2}": 1,
        },
    )
    assert done.status_code == 302
    got = dict(FeedbackView.objects.values_list("candidate_id", "agree"))
    assert got == {a1: 5, a2: 4}
