"""Services on the working-day calendar: entering and removing holiday overrides."""

from __future__ import annotations

import datetime as dt

from tuixuan.campaign.access import can_edit_calendar
from tuixuan.campaign.domain import CampaignSetupError
from tuixuan.campaign.models import CalendarOverride
from tuixuan.campaign.services._common import SUBJECT_CALENDAR
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import User
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


def _require_calendar_editor(actor: User) -> None:
    """The working-day calendar is one for the whole tree: only its owner level (a convener
    of a top organisation) changes it."""
    if not can_edit_calendar(actor):
        raise PermissionDeniedError("只有最上级召集机关的工作人员可以录入节假日安排。")


@writes_events(EventType.CALENDAR_OVERRIDE_SET, may_skip=True)
def calendar_override_set(
    *, actor: User, date: dt.date, is_working_day: bool, name: str
) -> CalendarOverride:
    """Enter a holiday or make-up working day as announced by the State Council."""
    _require_calendar_editor(actor)
    name = name.strip()
    if not name:
        raise CampaignSetupError(f"{date.isoformat()} 须填写名称（如“国庆节”或“国庆节调休上班”）")
    if len(name) > 64:
        raise CampaignSetupError("名称过长（不超过 64 字）")
    row = CalendarOverride.objects.select_for_update().filter(date=date).first()
    old = {"is_working_day": row.is_working_day, "name": row.name} if row else None
    new = {"is_working_day": bool(is_working_day), "name": name}
    if old == new and row is not None:
        return row
    if row is None:
        row = CalendarOverride(date=date)
    row.is_working_day = bool(is_working_day)
    row.name = name
    row.save()
    record(
        event_type=EventType.CALENDAR_OVERRIDE_SET,
        actor=actor,
        summary=f"{date.isoformat()} 录入为{'工作日' if is_working_day else '休息日'}（{name}）",
        subject_type=SUBJECT_CALENDAR,
        subject_id=date.isoformat(),
        inputs={"date": date, "old": old, "new": new},
    )
    return row


@writes_events(EventType.CALENDAR_OVERRIDE_REMOVED)
def calendar_override_remove(*, actor: User, override: CalendarOverride) -> None:
    _require_calendar_editor(actor)
    state = {
        "date": override.date,
        "is_working_day": override.is_working_day,
        "name": override.name,
    }
    day = override.date
    override.delete()
    record(
        event_type=EventType.CALENDAR_OVERRIDE_REMOVED,
        actor=actor,
        summary=f"删除 {day.isoformat()} 的节假日安排（{state['name']}）",
        subject_type=SUBJECT_CALENDAR,
        subject_id=day.isoformat(),
        inputs=state,
    )
