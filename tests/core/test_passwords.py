from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    "password",
    ["short1A!", "alllowercaseletters", "ALLUPPER12345", "1234567890123"],
)
def test_it_rejects_weak_passwords(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Tuixuan@2026", "Strong-Passw0rd", "zhong.guo.2026X"])
def test_it_accepts_strong_passwords(password: str) -> None:
    validate_password(password)
