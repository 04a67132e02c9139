from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection

from tuixuan.record.events import EventType
from tuixuan.record.hashing import content_hash, link_hash
from tuixuan.record.models import Event
from tuixuan.record.services import AttachmentFile, record
from tuixuan.record.triggers import install_triggers, uninstall_triggers


def write(campaign_id: int | None = None, **extra: Any) -> Event:
    return record(
        event_type=EventType.MEMBER_CHANGED,
        actor=None,
        summary="党员信息变更",
        subject_type="member",
        subject_id=1,
        campaign_id=campaign_id,
        **extra,
    )


def behind_the_back(sql: str, params: list[Any]) -> None:
    """Change the record the way someone with database access would."""
    uninstall_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    install_triggers(connection)


def verify(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_record", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        assert exc.code == 1
        return 1, err.getvalue()
    return 0, out.getvalue()


def test_an_intact_record_passes(db: None) -> None:
    write(), write(), write(campaign_id=3)
    assert verify() == (0, "全程纪实校验通过：3 条记录\n")


def test_an_empty_record_passes(db: None) -> None:
    assert verify() == (0, "全程纪实校验通过：0 条记录\n")


def test_it_names_the_event_whose_summary_was_altered(db: None) -> None:
    write()
    altered = write()
    write()
    behind_the_back("UPDATE dossier_event SET summary = %s WHERE id = %s", ["无", altered.pk])
    status, message = verify()
    assert status == 1
    assert f"纪实链 global 第 2 条（事件 ID {altered.pk}）：内容哈希不符" in message


def test_it_notices_an_altered_snapshot_and_person(db: None) -> None:
    first = write(inputs={"votes": 12})
    second = write(person_citizen_ids=["110101199003078515"])
    behind_the_back(
        "UPDATE dossier_event SET inputs = %s WHERE id = %s", ['{"votes": 13}', first.pk]
    )
    assert f"事件 ID {first.pk}）：内容哈希不符" in verify()[1]
    behind_the_back(
        "UPDATE dossier_event SET inputs = %s WHERE id = %s", ['{"votes": 12}', first.pk]
    )
    assert verify()[0] == 0
    behind_the_back(
        "UPDATE dossier_eventperson SET citizen_id = %s WHERE event_id = %s",
        ["110101199003071234", second.pk],
    )
    assert f"事件 ID {second.pk}）：内容哈希不符" in verify()[1]


def test_rehashing_an_altered_event_breaks_the_link(db: None) -> None:
    write()
    altered = write()
    successor = write()
    stored = Event.objects.get(pk=altered.pk)
    from tuixuan.record.verification import stored_event_content

    content = stored_event_content(stored)
    content["summary"] = "无"
    new_hash = content_hash(content)
    behind_the_back(
        "UPDATE dossier_event SET summary = %s, content_hash = %s WHERE id = %s",
        ["无", new_hash, altered.pk],
    )
    status, message = verify()
    assert status == 1
    assert f"第 2 条（事件 ID {altered.pk}）：链哈希不符" in message
    assert str(successor.pk) not in message


def test_it_reports_a_deleted_event_as_a_gap(db: None) -> None:
    write(campaign_id=5)
    deleted = write(campaign_id=5)
    after = write(campaign_id=5)
    behind_the_back("DELETE FROM dossier_event WHERE id = %s", [deleted.pk])
    status, message = verify()
    assert status == 1
    assert (
        f"纪实链 campaign:5 第 3 条（事件 ID {after.pk}）：序号不连续，第 2 条记录缺失" in message
    )


def test_it_reports_a_deleted_last_event(db: None) -> None:
    write()
    last = write()
    behind_the_back("DELETE FROM dossier_event WHERE id = %s", [last.pk])
    status, message = verify()
    assert status == 1
    assert "纪实链 global：链尾登记为第 2 条，实际只到第 1 条" in message


def test_it_reports_renumbered_events_by_their_broken_link(db: None) -> None:
    write()
    deleted = write()
    moved = write()
    behind_the_back("DELETE FROM dossier_event WHERE id = %s", [deleted.pk])
    behind_the_back("UPDATE dossier_event SET seq = 2 WHERE id = %s", [moved.pk])
    status, message = verify()
    assert status == 1
    assert f"（事件 ID {moved.pk}）：内容哈希不符" in message


def test_it_verifies_one_chain_when_asked(db: None) -> None:
    write()
    broken = write(campaign_id=9)
    behind_the_back("UPDATE dossier_event SET summary = %s WHERE id = %s", ["无", broken.pk])
    assert verify("--chain", "global") == (0, "全程纪实校验通过：1 条记录\n")
    assert verify("--chain", "campaign:9")[0] == 1
    status, message = verify("--chain", "campaign:404")
    assert status == 1
    assert "纪实链 campaign:404：不存在该纪实链" in message


def test_it_reports_missing_triggers(db: None) -> None:
    write()
    uninstall_triggers(connection)
    status, message = verify()
    install_triggers(connection)
    assert status == 1
    assert "数据库触发器 dossier_event_no_" in message


def test_it_checks_attachment_files_when_asked(db: None, media_root: Path) -> None:
    event = write(attachments=[AttachmentFile("会议记录.pdf", b"minutes")])
    assert verify("--files")[0] == 0
    stored = media_root / event.attachments.get().stored_path
    os.chmod(stored, 0o644)
    stored.write_bytes(b"forged")
    status, message = verify("--files")
    assert status == 1
    assert f"（事件 ID {event.pk}）：附件“会议记录.pdf”文件内容被改动" in message
    stored.unlink()
    assert "文件缺失" in verify("--files")[1]
    assert verify()[0] == 0


def test_verbose_output_lists_the_chain_heads(db: None) -> None:
    event = write()
    out = io.StringIO()
    call_command("verify_record", verbosity=2, stdout=out)
    assert f"纪实链 global：1 条，链尾哈希 {event.chain_hash}" in out.getvalue()
    assert event.chain_hash == link_hash("0" * 64, event.content_hash)
