"""Typed domain errors. Messages are Chinese, for the user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action; the message tells the user why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDeniedError(DomainError):
    pass


class InvalidTransitionError(DomainError):
    pass


class ConcurrentChangeError(DomainError):
    def __init__(self, message: str = "数据已被他人修改，请刷新后重试。") -> None:
        super().__init__(message)


class ValidationFailedError(DomainError):
    pass
