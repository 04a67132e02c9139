"""Read back what a rendered form holds: each field's value as the browser would send it."""

from __future__ import annotations

from html.parser import HTMLParser


class _Values(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, str] = {}
        self.attrs: dict[str, dict[str, str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("checkbox", "radio", "submit"):
            self.values.setdefault(name, a.get("value", ""))
            self.attrs.setdefault(name, a)
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, "")
            self.attrs.setdefault(name, a)
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
            self.attrs.setdefault(name, a)
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self.inside and self._textarea:
            self.values[self._textarea] += data.lstrip("\n")


def form_values(html: str, form_id: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The values and the attributes of every field of the form with this id."""
    parser = _Values(form_id)
    parser.feed(html)
    return parser.values, parser.attrs
