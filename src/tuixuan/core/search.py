"""Search text kept out of URLs.

A search box may receive a citizen ID, and a URL ends up in the browser's history, in the
server's access log and in a proxy's log. So search forms are sent by POST; the view keeps the
text in the user's session under a short random token and redirects to the same page with
``s=<token>`` in place of the text (docs/design.md, "Access"). Pages then read their GET
parameters through :func:`params`, which puts the text back from the token.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

SESSION_KEY = "tuixuan_searches"
KEPT = 20  # the latest searches of a session; older tokens read as an empty search
TEXT_FIELD = "q"
TOKEN_FIELD = "s"  # noqa: S105 -- a query parameter name, not a secret


def stash(request: HttpRequest, text: str) -> str:
    """Keep ``text`` in the session; the token that stands for it in URLs."""
    token = secrets.token_urlsafe(6)
    saved: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    saved[token] = text[:64]
    while len(saved) > KEPT:
        saved.pop(next(iter(saved)))
    request.session[SESSION_KEY] = saved
    return token


def redirect_to_results(request: HttpRequest) -> HttpResponseRedirect:
    """The answer to a posted search form: the same page, the text replaced by its token."""
    data = request.POST.copy()
    data.pop("csrfmiddlewaretoken", None)
    data.pop("page", None)
    text = (data.pop(TEXT_FIELD, [""]) or [""])[-1].strip()
    if text:
        data[TOKEN_FIELD] = stash(request, text)
    query = data.urlencode()
    return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)


def params(request: HttpRequest) -> QueryDict:
    """The page's GET parameters with the search text restored from its token."""
    data = request.GET.copy()
    token = data.pop(TOKEN_FIELD, [""])[-1]
    if token:
        data[TEXT_FIELD] = request.session.get(SESSION_KEY, {}).get(token, "")
    return data
