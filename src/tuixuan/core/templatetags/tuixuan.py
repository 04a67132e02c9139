"""Small template filters used across the apps: ``{% load tuixuan %}``."""

from __future__ import annotations

from django import template

from tuixuan.core.citizen_id import masked

register = template.Library()


@register.filter(name="masked_id")
def masked_id(value: object) -> str:
    """A citizen ID as lists show it: 110101********1234."""
    return masked(str(value or ""))
