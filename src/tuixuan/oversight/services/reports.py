"""The 进度报告 sent: the Word file is kept with its event (record attachment)."""

from __future__ import annotations

import io

from tuixuan.core.errors import DomainError
from tuixuan.core.models import User
from tuixuan.oversight import documents
from tuixuan.oversight.board import Board
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.services import AttachmentFile, record, writes_events


@writes_events(EventType.OVERSIGHT_REPORT_SENT)
def report_send(*, actor: User, board: Board, recipient: str) -> Event:
    """Record that the progress report of ``board`` (the actor's units) was sent to
    ``recipient``, with the report itself attached as it was sent."""
    recipient = recipient.strip()
    if not recipient:
        raise DomainError("请填写报送对象。", field="recipient")
    if len(recipient) > 128:
        raise DomainError("报送对象不能超过 128 个字。", field="recipient")
    if not board.rows:
        raise DomainError("您的范围内没有选举单位，没有可报送的进度。")
    buffer = io.BytesIO()
    documents.write_report_docx(board, buffer, author=str(actor))
    name = f"{board.campaign.name}-进度报告-{board.today.isoformat()}.docx"
    return record(
        event_type=EventType.OVERSIGHT_REPORT_SENT,
        actor=actor,
        summary=f"报送{board.campaign.name}推选工作进度报告（{board.today.isoformat()}）",
        subject_type="campaign",
        subject_id=board.campaign.pk,
        campaign_id=board.campaign.pk,
        inputs={
            "campaign": board.campaign.name,
            "report_date": board.today,
            "recipient": recipient,
            "units": len(board.rows),
            "overdue_units": [r.unit.organisation.name for r in board.overdue_rows],
            "low_units": [r.unit.organisation.name for r in board.low_rows],
        },
        attachments=[AttachmentFile(name, buffer.getvalue(), documents.DOCX_CONTENT_TYPE)],
    )
