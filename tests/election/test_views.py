from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from tests.conftest import Tree, login
from tests.election.meeting_setup import enter_batch, fast_hashing, in_session, marks, prepared
from tuixuan.core.models import User
from tuixuan.election import services
from tuixuan.election.models import Batch, DueVoter, ElectionStatus, Round, RoundStatus

__all__ = ["fast_hashing"]


def test_another_units_election_is_refused_by_url(
    tree: Tree, unit_operator: User, other_unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    client = login(other_unit_operator)
    pk = meeting.election.pk
    for name in ("detail", "voters", "signin", "screen", "credentials"):
        assert client.get(reverse(f"election:{name}", args=[pk])).status_code == 404, name
    assert client.post(reverse("election:open", args=[pk])).status_code == 404
    assert client.get(reverse("election:list")).context["elections"].count() == 0
    assert login(unit_operator).get(reverse("election:detail", args=[pk])).status_code == 200


def test_the_supervisor_reads_but_cannot_manage(
    tree: Tree, unit_operator: User, supervisor: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    client = login(supervisor)
    assert client.get(reverse("election:detail", args=[meeting.election.pk])).status_code == 200
    assert client.post(reverse("election:open", args=[meeting.election.pk])).status_code == 403


def test_an_operator_creates_an_election_from_the_list_page(
    tree: Tree, unit_operator: User
) -> None:
    response = login(unit_operator).post(
        reverse("election:list"),
        {
            "title": "西岭村党员大会",
            "body_type": "members_meeting",
            "profile": "grassroots",
            "seats": "3",
            "once": "key-1",
        },
    )
    assert response.status_code == 302
    assert "/election/" in response["Location"]


def test_sign_in_returns_the_row_partial_and_the_count_updates(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=5)
    services.election_open(actor=unit_operator, election=meeting.election)
    voter = DueVoter.objects.filter(election=meeting.election).first()
    assert voter is not None
    client = login(unit_operator)
    response = client.post(
        reverse("election:signin_toggle", args=[meeting.election.pk, voter.pk]),
        {"present": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "已签到" in response.content.decode()
    assert response["HX-Trigger"] == "attendance-changed"
    count = client.get(reverse("election:signin_count", args=[meeting.election.pk]))
    text = count.content.decode()
    assert "应到会 <strong>5</strong>" in text and "实到会 <strong>1</strong>" in text
    assert "未达到法定人数" in text


def test_csrf_is_required_for_sign_in(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=2)
    services.election_open(actor=unit_operator, election=meeting.election)
    voter = DueVoter.objects.filter(election=meeting.election).first()
    assert voter is not None
    client = Client(enforce_csrf_checks=True)
    client.force_login(unit_operator)
    url = reverse("election:signin_toggle", args=[meeting.election.pk, voter.pk])
    assert client.post(url, {"present": "1"}).status_code == 403


def test_a_teller_enters_ballots_by_keyboard_page_but_cannot_release(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=3, seats=1)
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=2)
    client = login(meeting.teller_one)
    page = client.get(reverse("election:batch_enter", args=[batch.pk]))
    assert page.status_code == 200
    assert "王明" in page.content.decode()
    save = reverse("election:batch_enter_save", args=[batch.pk])
    position = str(["王明", "李华", "张伟", "赵静"].index("王明"))
    ok = client.post(save, {"seq": "1", "marks": marks(round_, {"王明": "1"}), "write_ins": "{}"})
    assert ok.json() == {"ok": True, "entered": 1, "next": 2}
    bad = client.post(
        save, {"seq": "2", "marks": marks(round_, {}), "write_ins": json.dumps({position: "钱七"})}
    )
    assert bad.status_code == 400 and "不赞成" in bad.json()["error"]
    assert login(unit_operator).post(save, {"seq": "1", "marks": "0000"}).status_code == 403

    for teller in (meeting.teller_one, meeting.teller_two):
        for seq in (1, 2):
            services.ballot_enter(
                actor=teller, batch=batch, seq=seq, marks=marks(round_, {"王明": "1"})
            )
        services.entry_submit(actor=teller, batch=batch)
    services.round_count(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))
    release = reverse("election:round_action", args=[round_.pk, "release"])
    assert client.post(release).status_code == 403
    assert login(unit_operator).post(release).status_code == 403
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.COUNTED
    screen = login(unit_operator).get(
        reverse("election:screen_partial", args=[meeting.election.pk])
    )
    assert "当选" not in screen.content.decode()

    chief = login(meeting.chief)
    ask = chief.post(release).content.decode()
    assert "请确认：宣布结果" in ask and "宣布后不能撤回" in ask
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.COUNTED
    response = chief.post(release, {"confirm": "1"})
    assert response.status_code == 302
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.RELEASED
    screen = login(unit_operator).get(
        reverse("election:screen_partial", args=[meeting.election.pk])
    )
    assert "王明" in screen.content.decode() and "当选" in screen.content.decode()


def test_the_chief_scrutineer_resolves_a_difference_on_the_page(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=2, seats=1)
    round_ = in_session(meeting, unit_operator)
    enter_batch(
        meeting,
        round_,
        [marks(round_, {"王明": "1"}), marks(round_, {})],
        second=[marks(round_, {"王明": "2"}), marks(round_, {})],
    )
    batch = Batch.objects.get(round=round_)
    url = reverse("election:batch_differences", args=[batch.pk])
    assert login(meeting.teller_one).get(url).status_code == 403
    chief = login(meeting.chief)
    page = chief.get(url).content.decode()
    assert "第 1 张" in page and "第 2 张" not in page
    names = ["王明", "李华", "张伟", "赵静"]
    from tuixuan.election.selectors import round_names

    order = round_names(round_)
    assert sorted(order) == sorted(names)
    post = {"seq": "1", "reason": ""}
    post.update({f"m{i}": ("1" if n == "王明" else "0") for i, n in enumerate(order)})
    assert chief.post(url, post).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "settled"


def test_round_pages_documents_and_credentials_render(
    tree: Tree, unit_operator: User, convener: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=3, seats=1)
    round_ = in_session(meeting, unit_operator)
    client = login(unit_operator)
    assert client.get(reverse("election:round", args=[round_.pk])).status_code == 200
    printed = client.post(
        reverse("election:ballots_print", args=[round_.pk]), {"copies": "3", "once": "print-1"}
    )
    assert printed.status_code == 302
    pdf = client.get(printed["Location"])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    enter_batch(meeting, round_, [marks(round_, {"王明": "1"})] * 3)
    services.round_count(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))
    services.round_release(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))
    for fmt in ("pdf", "docx"):
        assert (
            client.get(reverse("election:count_report", args=[round_.pk, fmt])).status_code == 200
        )
        assert (
            client.get(
                reverse("election:result_report", args=[meeting.election.pk, fmt])
            ).status_code
            == 200
        )
    assert client.post(reverse("election:report", args=[meeting.election.pk])).status_code == 302
    meeting.election.refresh_from_db()
    assert meeting.election.status == ElectionStatus.REPORTED
    page = login(convener).get(reverse("election:credentials", args=[meeting.election.pk]))
    assert "终止资格并补选" in page.content.decode()
    assert (
        "终止资格并补选"
        not in client.get(
            reverse("election:credentials", args=[meeting.election.pk])
        ).content.decode()
    )
