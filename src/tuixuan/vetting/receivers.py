"""Vetting listens to the registry: a change to persons re-checks their open cases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from tuixuan.core.models import User
from tuixuan.registry.signals import persons_changed
from tuixuan.vetting.services import eligibility_recheck


@receiver(persons_changed, dispatch_uid="vetting.recheck")
def recheck_open_cases(
    sender: Any, *, actor: User | None, citizen_ids: Sequence[str], source: str, **_: Any
) -> None:
    eligibility_recheck(actor=actor, citizen_ids=citizen_ids, source=source)
