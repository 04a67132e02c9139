"""One way to render and handle forms (docs/design.md, "Forms").

- ``Renderer`` is the project ``FORM_RENDERER``: ``{{ form }}`` draws a summary of every error
  at the top of the form, then each field with its own error beside it; the first bad field
  (or the summary, when the refusal names no field) carries ``autofocus``.
- ``refuse(form, exc)`` puts a service's ``DomainError`` on the form, beside the field it
  names; the view then renders the page again with the bound form (status 400), so nothing
  typed is lost.
- ``OnceForm`` carries a one-time key; ``once(form, user)`` stores it in the transaction
  that creates the object, so a form sent twice creates one object.
- ``ask_first(request, step, ...)`` is the server half of every irreversible step: without
  ``confirm=1`` in the POST it first rehearses the step (runs it in a transaction that is
  always rolled back), so a step the rules refuse is refused before anyone is asked to
  confirm it; a step that would succeed is answered with a page that says what will happen
  and sends the same data again. The dialog in the page (``tuixuan/confirm.js``) asks the
  server the same question first and shows itself only when the step would succeed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from django import forms
from django.db import IntegrityError, transaction
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuixuan.core.errors import DomainError
from tuixuan.core.models import FormSubmission, User


def first_error(form: forms.BaseForm) -> str | None:
    """The name of the first field, in the form's order, that has an error."""
    if not form.is_bound:
        return None
    errors = form.errors
    for name in form.fields:
        if name in errors and not form.fields[name].widget.is_hidden:
            return name
    return None


class BoundField(forms.BoundField):
    """Marks the first bad field for the browser: ``aria-invalid`` and ``autofocus``."""

    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> Any:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and first_error(self.form) == self.name:
            attrs["autofocus"] = True
        return attrs


class Renderer(DjangoTemplates):
    form_template_name = "tuixuan/forms/form.html"
    field_template_name = "tuixuan/forms/field.html"
    bound_field_class = BoundField


class AlreadySubmittedError(Exception):
    """The form's one-time key was used: not a refusal, the work is already done, so the
    view sends the user to what the first submission made."""

    def __init__(self, result_url: str) -> None:
        self.message = "该表单已经提交过，没有重复创建。"
        super().__init__(self.message)
        self.result_url = result_url


def refuse(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's refusal on the form, beside the field it names when the form has it."""
    for field, message in exc.errors:
        form.add_error(field if field in form.fields else None, message)


def attempt(form: forms.BaseForm, call: Any) -> Any:
    """Run ``call()``; a ``DomainError`` becomes the form's error and ``None`` is returned."""
    try:
        return call()
    except DomainError as exc:
        refuse(form, exc)
        return None


# --- one-time keys ----------------------------------------------------------------------


class OnceForm(forms.Form):
    """A form whose submission creates something: it carries a fresh one-time key."""

    once = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["once"].initial = secrets.token_urlsafe(24)


@contextmanager
def once(form: OnceForm, user: User) -> Iterator[FormSubmission]:
    """Store the form's key in the transaction that creates the object; a key already stored
    raises ``AlreadySubmittedError`` with the page of what the first submission made. Set
    ``result_url`` on the yielded row once the object exists."""
    key = str(form.cleaned_data["once"])
    with transaction.atomic():
        existing = FormSubmission.objects.filter(key=key).first()
        if existing is not None:
            raise AlreadySubmittedError(existing.result_url)
        try:
            with transaction.atomic():
                row = FormSubmission.objects.create(key=key, user=user)
        except IntegrityError as exc:
            # A second click sent while the first was still being written.
            existing = FormSubmission.objects.filter(key=key).first()
            raise AlreadySubmittedError(existing.result_url if existing else "") from exc
        yield row
        row.save(update_fields=["result_url"])


# --- confirmation of irreversible steps -------------------------------------------------


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "1"


def confirmation(
    request: HttpRequest, *, title: str, effect: str, button: str, back: str
) -> HttpResponse:
    """The page that asks before an irreversible step; it sends the same POST with
    ``confirm=1``. Used when the step arrives without the dialog's confirmation."""
    fields = [
        (key, value)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", "confirm")
        for value in request.POST.getlist(key)
    ]
    return render(
        request,
        "tuixuan/confirm.html",
        {
            "title": title,
            "effect": effect,
            "button": button,
            "back": back,
            "fields": fields,
            "action": request.get_full_path(),
        },
    )


# Sent by confirm.js when it asks whether a step would succeed; answered with the confirmation
# page (marked by CONFIRM_HEADER) or, when the step would be refused, an empty 204, after which
# the script sends the form as it is so that the page shows why.
REHEARSE_HEADER = "X-Tuixuan-Rehearse"
CONFIRM_HEADER = "X-Tuixuan-Confirm"


class _Rehearsal(Exception):
    """Raised to roll back a rehearsed step that succeeded."""


def rehearse(step: Callable[[], object]) -> Callable[[], NoReturn] | None:
    """Run the step in a transaction that is always rolled back: None when it would succeed,
    else a callable that raises the same refusal (for the view's usual error path)."""
    try:
        with transaction.atomic():
            step()
            raise _Rehearsal
    except _Rehearsal:
        return None
    except DomainError as exc:
        refusal = exc  # the name of an ``except`` clause is cleared when the clause ends

        def refused() -> NoReturn:
            raise refusal

        return refused


def ask_first(
    request: HttpRequest,
    step: Callable[[], Any],
    *,
    title: str,
    effect: str,
    button: str,
    back: str,
) -> tuple[HttpResponse | None, Callable[[], Any]]:
    """An irreversible step: ``(page, step)``. The view answers ``page`` when there is one;
    otherwise it runs ``step`` through its usual error handling — the real step once
    confirmed, or, when the rules refuse it, a callable that raises the refusal."""
    if confirmed(request):
        return None, step
    refused = rehearse(step)
    if refused is None:
        page = confirmation(request, title=title, effect=effect, button=button, back=back)
        page[CONFIRM_HEADER] = "1"
        return page, step
    if request.headers.get(REHEARSE_HEADER):
        return HttpResponse(status=204), refused
    return None, refused
