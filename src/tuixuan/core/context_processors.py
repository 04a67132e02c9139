from __future__ import annotations

from django.http import HttpRequest

from tuixuan.core.access import can_write_registry


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_import": can_write_registry(user)}
