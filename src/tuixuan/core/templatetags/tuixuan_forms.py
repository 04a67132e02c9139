"""Template helpers of the form renderer."""

from __future__ import annotations

from django import forms, template

from tuixuan.core.forms import first_error as _first_error

register = template.Library()


@register.filter
def first_error(form: forms.BaseForm) -> str:
    """The first bad field's name, or "" when only the form as a whole is refused."""
    return _first_error(form) or ""
