"""Typed domain errors. Messages are Chinese, for the user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action; the message tells the user why."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: list[tuple[str | None, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        # The form field(s) the refusal is about, when known, so a form shows each message
        # beside its field: ``errors`` lists (field or None, message).
        self.field = field
        self.errors = errors or [(field, message)]


class PermissionDeniedError(DomainError):
    pass


class InvalidTransitionError(DomainError):
    pass


class ConcurrentChangeError(DomainError):
    def __init__(self, message: str = "数据已被他人修改，请刷新后重试。") -> None:
        super().__init__(message)


class ValidationFailedError(DomainError):
    pass
