from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter(name="safe_json")
def safe_json(value: Any) -> SafeString:
    """JSON for a ``<script type="application/json">`` block; ``<`` and ``&`` escaped so
    a name typed by a user can never close the tag."""
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 -- the three characters that matter are escaped above
