"""Acknowledging an alert ("确认知悉") is the recipient's statement and goes into the record;
raising alerts and marking them read are operational (``tuixuan.oversight.alerts``)."""

from __future__ import annotations

from tuixuan.core import clock
from tuixuan.core.errors import InvalidTransitionError
from tuixuan.core.models import User
from tuixuan.oversight.models import AlertReceipt
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


@writes_events(EventType.OVERSIGHT_ALERT_ACKNOWLEDGED)
def alert_acknowledge(*, actor: User, receipt: AlertReceipt) -> AlertReceipt:
    receipt = (
        AlertReceipt.objects.select_for_update(of=("self",))
        .select_related("alert")
        .get(pk=receipt.pk)
    )
    if receipt.user_id != actor.pk:
        raise InvalidTransitionError("只能确认发给自己的预警。")
    if receipt.acknowledged_at is not None:
        raise InvalidTransitionError("该预警已确认知悉，无需重复确认。")
    now = clock.now()
    receipt.acknowledged_at = now
    receipt.read_at = receipt.read_at or now
    receipt.save(update_fields=["acknowledged_at", "read_at"])
    alert = receipt.alert
    record(
        event_type=EventType.OVERSIGHT_ALERT_ACKNOWLEDGED,
        actor=actor,
        summary=f"确认知悉预警：{alert.title}",
        subject_type="alert",
        subject_id=alert.pk,
        campaign_id=alert.campaign_id,
        accountable_organisation=alert.organisation,
        inputs={
            "alert": alert.title,
            "kind": alert.kind,
            "raised_on": clock.local_date(alert.raised_at),
        },
    )
    return receipt
