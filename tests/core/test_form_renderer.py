"""The project form renderer and date format: every date field of every form writes ISO."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect

import pytest
from django import forms

from tuixuan.core.errors import DomainError
from tuixuan.core.forms import refuse

MODULES = (
    "tuixuan.campaign.forms",
    "tuixuan.nomination.forms",
    "tuixuan.election.forms",
    "tuixuan.dossier.forms",
)


def _date_fields() -> list[tuple[str, str, forms.Field]]:
    found: list[tuple[str, str, forms.Field]] = []
    for name in MODULES:
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                for field_name, field in cls.base_fields.items():  # type: ignore[attr-defined]
                    if isinstance(field, forms.DateField):
                        found.append((f"{cls_name}.{field_name}", field_name, field))
    return found


DATE_FIELDS = _date_fields()


def test_the_forms_have_date_fields_to_check() -> None:
    assert len(DATE_FIELDS) >= 8


@pytest.mark.parametrize(("where", "name", "field"), DATE_FIELDS, ids=[d[0] for d in DATE_FIELDS])
def test_every_date_field_writes_iso_for_the_date_input(
    where: str, name: str, field: forms.Field
) -> None:
    html = field.widget.render(name, dt.date(2026, 12, 1))
    assert 'type="date"' in html, where
    assert 'value="2026-12-01"' in html, (where, html)
    assert field.clean("2026-12-01") == dt.date(2026, 12, 1)


class _Form(forms.Form):
    place = forms.CharField(label="会议地点")
    due = forms.IntegerField(label="应到")
    present = forms.IntegerField(label="实到")


@pytest.mark.django_db
def test_the_renderer_puts_a_summary_on_top_and_the_message_beside_the_field() -> None:
    form = _Form({"place": "村部", "due": "7", "present": "9"})
    assert form.is_valid()
    refuse(form, DomainError("实到 9 人多于应到 7 人。", field="present"))
    html = str(form)
    assert html.index("form-summary") < html.index('name="place"')
    assert 'href="#id_present"' in html
    assert 'value="村部"' in html and 'value="9"' in html
    present = html[html.index('name="present"') - 200 : html.index('name="present"') + 200]
    assert 'aria-invalid="true"' in present and "autofocus" in present
    assert html.count("autofocus") == 1
    beside = html[html.index('name="present"') :]
    assert "实到 9 人多于应到 7 人" in beside[:400]


@pytest.mark.django_db
def test_a_refusal_without_a_field_focuses_the_summary() -> None:
    form = _Form({"place": "村部", "due": "7", "present": "6"})
    assert form.is_valid()
    refuse(form, DomainError("尚有 2 个党支部未报送。"))
    html = str(form)
    assert "autofocus" in html[: html.index('name="place"')]
    assert html.count("autofocus") == 1
