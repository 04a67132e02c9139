"""gunicorn settings read by ``tuixuan serve`` (``--config python:tuixuan.gunicorn_conf``).

gunicorn has no option to leave out its ``Server`` header, which names the server software
and its version; the response class is adjusted here, in the master process before the
workers are forked, so that no answer carries it.
"""

from __future__ import annotations

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _headers_without_server(self: wsgi.Response) -> list[str]:
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


wsgi.Response.default_headers = _headers_without_server
