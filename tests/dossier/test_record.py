from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests import factories
from tests.conftest import Tree
from tests.record import assert_events, capture_events
from tuixuan.core.models import User
from tuixuan.record import hashing
from tuixuan.record.events import EventType
from tuixuan.record.models import Attachment, ChainHead, Event
from tuixuan.record.services import AttachmentFile, ServiceRuleError, record
from tuixuan.record.verification import stored_event_content
from tuixuan.registry.models import Member


def write(**overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "event_type": EventType.MEMBER_CHANGED,
        "actor": None,
        "summary": "党员组织关系转接",
        "subject_type": "member",
        "subject_id": 1,
    }
    fields.update(overrides)
    return record(**fields)


def test_it_stores_the_step_with_snapshots_of_who_did_it(tree: Tree, unit_operator: User) -> None:
    event = write(
        actor=unit_operator,
        accountable_organisation=tree.branch_a1,
        accountable_person="张三",
        inputs={"votes": {"李四": 12}, "day": dt.date(2026, 3, 2), "share": Fraction(1, 3)},
    )
    event = Event.objects.get(pk=event.pk)
    assert event.chain == "global"
    assert event.seq == 1
    assert event.actor_name == str(unit_operator)
    assert event.actor_role == "unit_operator"
    assert event.organisation_id == tree.unit_a.pk  # the actor's own when not given
    assert event.organisation_name == "东河镇党委"
    assert event.accountable_organisation_name == "东河村党支部"
    assert event.subject_id == "1"
    assert event.inputs == {"votes": {"李四": 12}, "day": "2026-03-02", "share": "1/3"}


def test_the_stored_event_hashes_to_its_content_hash(tree: Tree, convener: User) -> None:
    member = factories.member(tree.branch_a1)
    event = write(actor=convener, person_citizen_ids=[member.citizen_id], inputs={"a": [1, 2]})
    stored = Event.objects.get(pk=event.pk)
    assert hashing.content_hash(stored_event_content(stored)) == stored.content_hash
    assert stored.chain_hash == hashing.link_hash(hashing.GENESIS_HASH, stored.content_hash)


def test_each_campaign_has_its_own_chain(db: None) -> None:
    a1 = write(campaign_id=7)
    g1 = write()
    a2 = write(campaign_id=7)
    b1 = write(campaign_id=8)
    assert [(e.chain, e.seq) for e in (a1, g1, a2, b1)] == [
        ("campaign:7", 1),
        ("global", 1),
        ("campaign:7", 2),
        ("campaign:8", 1),
    ]
    assert a2.chain_hash == hashing.link_hash(a1.chain_hash, a2.content_hash)
    head = ChainHead.objects.get(chain="campaign:7")
    assert (head.last_seq, head.last_hash) == (2, a2.chain_hash)


def test_it_names_the_persons_and_the_reader_finds_their_member_rows(tree: Tree) -> None:
    # The record knows persons by citizen ID only; the member row is found by that ID.
    member = factories.member(tree.branch_a1)
    outsider = "110101199003078515"
    event = write(person_citizen_ids=[outsider, member.citizen_id.lower(), member.citizen_id])
    ids = sorted(p.citizen_id for p in event.persons.all())
    persons = {
        cid: Member.objects.filter(citizen_id=cid).values_list("pk", flat=True).first()
        for cid in ids
    }
    assert persons == {member.citizen_id: member.pk, outsider: None}


def test_it_refuses_to_run_outside_a_transaction(transactional_db: None) -> None:
    with pytest.raises(ServiceRuleError, match="inside"):
        write()
    assert not Event.objects.exists()


def test_it_rolls_back_with_the_service(db: None) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        write()
        raise RuntimeError
    assert not Event.objects.exists()
    assert write().seq == 1


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"event_type": "nomination.made_up"}, ValueError),
        ({"inputs": {"share": 0.5}}, TypeError),
        ({"person_citizen_ids": ["   "]}, ValueError),
    ],
)
def test_it_refuses_bad_input(db: None, overrides: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        write(**overrides)
    assert not Event.objects.exists()


def test_it_costs_four_statements(
    tree: Tree, convener: User, django_assert_num_queries: Any
) -> None:
    member = factories.member(tree.branch_a1)
    write()
    with django_assert_num_queries(4):  # lock head, insert event, update head, persons
        write(
            actor=convener,
            organisation=tree.city,
            person_citizen_ids=[member.citizen_id, "110101199003078515"],
        )


def test_attachments_are_stored_by_content_and_hashed(db: None, media_root: Path) -> None:
    scan = b"%PDF-1.4 minutes"
    event = write(
        attachments=[
            AttachmentFile("会议记录.pdf", scan, "application/pdf"),
            AttachmentFile("照片.jpg", SimpleUploadedFile("x.jpg", b"\xff\xd8photo"), "image/jpeg"),
        ]
    )
    again = write(attachments=[AttachmentFile("副本.pdf", scan, "application/pdf")])
    first, photo = Attachment.objects.filter(event=event)
    assert (first.name, first.size, first.position) == ("会议记录.pdf", len(scan), 0)
    assert first.sm3 == hashing.sm3_hex(scan)
    assert first.stored_path == f"record/{first.sm3[:2]}/{first.sm3}"
    assert (media_root / first.stored_path).read_bytes() == scan
    assert (media_root / photo.stored_path).read_bytes() == b"\xff\xd8photo"
    assert again.attachments.get().stored_path == first.stored_path
    assert len(list((media_root / "record").rglob("*"))) == 4  # two dirs, two files
    content = stored_event_content(Event.objects.get(pk=event.pk))
    assert [a["name"] for a in content["attachments"]] == ["会议记录.pdf", "照片.jpg"]


def test_capture_helpers_see_exactly_the_block(db: None) -> None:
    write()
    with assert_events([EventType.USER_CREATED, EventType.MEMBER_CHANGED]) as events:
        write(event_type=EventType.USER_CREATED)
        write()
    assert len(events) == 2
    with pytest.raises(AssertionError, match="expected events"), assert_events([]):
        write()
    with capture_events() as captured:
        pass
    assert captured == []
