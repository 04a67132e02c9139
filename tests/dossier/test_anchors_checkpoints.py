"""Paper anchors and keyed checkpoints catch what a consistent chain cannot: a chain
rewritten and recomputed, a truncated tail, a stepped-back head."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import Tree
from tests.election.meeting_setup import enter_batch, in_session, marks, prepared
from tests.render import docx_text, pdf_text
from tests.workers import JobQueue
from tuixuan.core.models import User
from tuixuan.election import documents
from tuixuan.election import services as election_services
from tuixuan.election.models import Round
from tuixuan.jobs import runner
from tuixuan.jobs.models import Job
from tuixuan.record import anchors, checkpoints, hashing
from tuixuan.record.models import ChainHead, Checkpoint, Event
from tuixuan.record.triggers import install_triggers, uninstall_triggers
from tuixuan.record.verification import stored_event_content, verify_record


@pytest.fixture(autouse=True)
def _own_key(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(checkpoints.KEY_ENV, raising=False)
    monkeypatch.delenv(checkpoints.KEY_FILE_ENV, raising=False)
    settings.DATA_DIR = tmp_path / "data"


def _counted(tree: Tree, unit_operator: User) -> Round:
    m = prepared(tree, unit_operator, voters=4)
    round_ = in_session(m, unit_operator)
    enter_batch(m, round_, [marks(round_, {"王明": "1", "李华": "1"})] * 4)
    election_services.round_count(actor=m.chief, round_=round_)
    round_.refresh_from_db()
    return round_


def _as_owner(change: Callable[[Any], None]) -> None:
    """What someone with the database owner's rights can do: lift the triggers, change
    rows with plain SQL, put the triggers back."""
    uninstall_triggers(connection)
    try:
        with connection.cursor() as cursor:
            change(cursor)
    finally:
        install_triggers(connection)


def _rewrite_and_recompute(chain: str, seq: int, summary: str) -> None:
    """Rewrite one event and recompute every hash after it, and the head: a chain that is
    consistent in itself."""

    def change(cursor: Any) -> None:
        events = list(
            Event.objects.filter(chain=chain, seq__gte=seq)
            .order_by("seq")
            .prefetch_related("persons", "attachments")
        )
        before = Event.objects.filter(chain=chain, seq=seq - 1).first()
        prev = before.chain_hash if before else hashing.GENESIS_HASH
        for event in events:
            if event.seq == seq:
                event.summary = summary
            content = hashing.content_hash(stored_event_content(event))
            prev = hashing.link_hash(prev, content)
            cursor.execute(
                "UPDATE dossier_event SET summary = %s, content_hash = %s, chain_hash = %s "
                "WHERE id = %s",
                [event.summary, content, prev, event.pk],
            )
        cursor.execute(
            "UPDATE dossier_chainhead SET last_hash = %s WHERE chain = %s", [prev, chain]
        )
        cursor.execute("DELETE FROM dossier_checkpoint")

    _as_owner(change)


def _truncate(chain: str, keep: int) -> None:
    def change(cursor: Any) -> None:
        last = Event.objects.get(chain=chain, seq=keep)
        cursor.execute(
            "DELETE FROM dossier_eventperson WHERE event_id IN "
            "(SELECT id FROM dossier_event WHERE chain = %s AND seq > %s)",
            [chain, keep],
        )
        cursor.execute(
            "DELETE FROM dossier_attachment WHERE event_id IN "
            "(SELECT id FROM dossier_event WHERE chain = %s AND seq > %s)",
            [chain, keep],
        )
        cursor.execute("DELETE FROM dossier_event WHERE chain = %s AND seq > %s", [chain, keep])
        cursor.execute(
            "UPDATE dossier_chainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
            [keep, last.chain_hash, chain],
        )

    _as_owner(change)


# --- anchors -----------------------------------------------------------------------------


def test_the_count_report_prints_the_anchor_and_it_names_a_recomputed_chain(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    round_ = _counted(tree, unit_operator)
    path = tmp_path / "count.pdf"
    documents.count_report_pdf(round_, path)
    text = re.sub(r"\s+", "", pdf_text(path))
    found = re.search(r"校验值：(global/\d+/[0-9a-f]{16})", text)
    assert found is not None, text
    digest = found.group(1)
    head = ChainHead.objects.get(chain="global")
    assert digest == f"global/{head.last_seq}/{head.last_hash[:16]}"
    assert anchors.current(["global"])[0].short == digest
    assert verify_record(anchors=[digest]).ok

    _rewrite_and_recompute("global", 3, "改写过的摘要")

    # The chain agrees with itself: without the paper it passes.
    assert verify_record(state=False).ok, [str(p) for p in verify_record().problems]
    report = verify_record(anchors=[digest], state=False)
    assert not report.ok
    (problem,) = [str(p) for p in report.problems]
    assert problem.startswith(f"锚点 {digest}：纪实链 global 第 {head.last_seq} 条")
    assert "与纸质文件不符" in problem
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_record", "--anchor", digest, "--no-state", stderr=err)
    assert exit_info.value.code == 1
    assert f"锚点 {digest}" in err.getvalue()


def test_a_checkpoint_before_the_change_narrows_down_where_it_is(
    tree: Tree, unit_operator: User
) -> None:
    round_ = _counted(tree, unit_operator)
    early = Event.objects.get(chain="global", seq=2)
    early_head = (early.chain, early.seq, early.chain_hash)
    digest = anchors.for_campaign(round_.election.campaign_id)[0].short
    _rewrite_and_recompute("global", 5, "改写过的摘要")
    last = ChainHead.objects.get(chain="global").last_seq

    (problem,) = anchors.check(digest, known_good=[early_head])

    assert f"第 3–{last} 条中有记录被改写" in problem


def test_an_anchor_past_the_truncated_tail_is_refused(tree: Tree, unit_operator: User) -> None:
    _counted(tree, unit_operator)
    digest = anchors.current(["global"])[0].short
    _truncate("global", 4)
    assert anchors.check(digest) == [
        f"锚点 {digest}：纪实链 global 现只到第 4 条，纸质文件所记的第 "
        f"{digest.split('/')[1]} 条已不在链中（链尾被截去或链被重建）。"
    ]


def test_a_malformed_anchor_is_explained(db: None) -> None:
    assert anchors.check("global-12") == [
        "锚点格式应为“纪实链/序号/校验值”，如 campaign:5/123/0123456789abcdef。"
    ]


def test_the_result_report_in_word_carries_the_anchor(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    round_ = _counted(tree, unit_operator)
    path = tmp_path / "result.docx"
    documents.result_report_docx(round_.election, path)
    assert anchors.current(["global"])[0].short in docx_text(path)


# --- checkpoints -------------------------------------------------------------------------


def test_a_stage_close_writes_a_checkpoint_with_a_key_kept_outside(
    tree: Tree, unit_operator: User, settings: Any
) -> None:
    _counted(tree, unit_operator)
    (cp,) = Checkpoint.objects.all()
    counted = Event.objects.get(event_type="election.round_counted")
    assert (cp.chain, cp.seq, cp.head_hash, cp.reason) == (
        "global",
        counted.seq,
        counted.chain_hash,
        "election.round_counted",
    )
    key_file = Path(settings.DATA_DIR) / "checkpoint_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = key_file.read_text().strip().encode()
    assert cp.mac == checkpoints.mac(
        secret, chain=cp.chain, seq=cp.seq, head_hash=cp.head_hash, at=cp.at
    )
    assert verify_record().ok


def test_the_command_checkpoints_every_chain_and_logs_outside_the_database(
    tree: Tree, unit_operator: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _counted(tree, unit_operator)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("checkpoint", stdout=out)
    head = ChainHead.objects.get(chain="global")
    assert (
        f"检查点：纪实链 global 第 {head.last_seq} 条，链尾哈希 {head.last_hash}" in out.getvalue()
    )
    log = Path(settings.CHECKPOINT_LOG)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    line = json.loads(log.read_text().splitlines()[-1])
    assert (line["chain"], line["seq"], line["head_hash"]) == (
        "global",
        head.last_seq,
        head.last_hash,
    )


def test_the_daily_maintenance_checkpoints_every_chain(
    tree: Tree, unit_operator: User, jobs: JobQueue
) -> None:
    _counted(tree, unit_operator)
    before = Checkpoint.objects.filter(reason="daily").count()
    job = runner.start(kind=Job.Kind.DAILY, actor=None, params={})
    assert jobs.run() == 1
    job.refresh_from_db()
    chains = ChainHead.objects.count()
    assert job.status == Job.Status.DONE
    assert job.result["tuixuan.record.checkpoints.daily"] == {"checkpoints": chains}
    assert Checkpoint.objects.filter(reason="daily").count() == before + chains
    assert verify_record().ok


def test_a_truncated_tail_and_stepped_back_head_fail_the_checkpoint(
    tree: Tree, unit_operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    _counted(tree, unit_operator)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoints.write_checkpoints()
    head = ChainHead.objects.get(chain="global")
    _truncate("global", head.last_seq - 3)
    # the owner also removes the checkpoint rows; the log outside keeps them
    _as_owner(lambda cursor: cursor.execute("DELETE FROM dossier_checkpoint"))

    report = verify_record(state=False)

    messages = [str(p) for p in report.problems]
    assert any(
        f"（纪实链 global 第 {head.last_seq} 条" in m
        and f"纪实链现只到第 {head.last_seq - 3} 条，检查点所记的记录被截去（链尾被回退）" in m
        for m in messages
    ), messages
    assert all(m.startswith("checkpoints.log 第 ") for m in messages), messages


def test_a_recomputed_chain_fails_its_checkpoints(
    tree: Tree, unit_operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    _counted(tree, unit_operator)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoints.write_checkpoints()
    head = ChainHead.objects.get(chain="global")
    _rewrite_and_recompute("global", 2, "改写过的摘要")  # removes the checkpoint rows too

    messages = [str(p) for p in verify_record(state=False).problems]

    assert any(
        f"纪实链第 {head.last_seq} 条的链哈希已不是检查点记下的 {head.last_hash[:16]}" in m
        for m in messages
    ), messages


def test_a_forged_or_foreign_checkpoint_is_refused(
    tree: Tree, unit_operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _counted(tree, unit_operator)
    head = ChainHead.objects.get(chain="global")
    (cp,) = Checkpoint.objects.all()

    def forge(cursor: Any) -> None:
        cursor.execute("UPDATE dossier_checkpoint SET seq = %s WHERE id = %s", [1, cp.pk])

    _as_owner(forge)
    assert any("校验码不符，检查点被伪造或改动" in str(p) for p in verify_record().problems)

    monkeypatch.setenv(checkpoints.KEY_ENV, "another key")
    checkpoints.write_checkpoints()
    monkeypatch.delenv(checkpoints.KEY_ENV)
    problems = [str(p) for p in verify_record().problems]
    assert any(
        f"纪实链 global 第 {head.last_seq} 条" in p and "由另一把密钥" in p for p in problems
    ), problems


def test_the_key_can_come_from_a_file_named_in_the_environment(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    named = tmp_path / "key"
    monkeypatch.setenv(checkpoints.KEY_FILE_ENV, str(named))
    with pytest.raises(checkpoints.CheckpointKeyError, match="检查点密钥文件"):
        checkpoints.key()
    named.write_text("abc\n")
    os.chmod(named, 0o600)
    assert checkpoints.key() == b"abc"
