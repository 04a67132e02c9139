"""Validation of the 18-digit citizen ID (GB 11643-1999). Pure: no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


class CitizenIdError(ValueError):
    """The ID is malformed; the message is Chinese and names the reason."""


@dataclass(frozen=True, slots=True)
class CitizenId:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalise(raw: str) -> str:
    """Strip spaces, turn full-width digits and a lower-case x into the canonical form."""
    out = []
    for ch in raw.strip():
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19:
            ch = chr(code - 0xFEE0)
        elif ch in "xｘＸ":
            ch = "X"
        elif ch.isspace():
            continue
        out.append(ch)
    return "".join(out)


def parse(raw: str) -> CitizenId:
    number = normalise(raw)
    if len(number) != 18:
        raise CitizenIdError(f"公民身份号码应为18位，实际为{len(number)}位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise CitizenIdError("公民身份号码含有非法字符")
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise CitizenIdError(f"公民身份号码校验位错误（应为{expected}）")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise CitizenIdError("公民身份号码中的出生日期不存在") from exc
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return CitizenId(number=number, birth_date=birth, gender=gender)


def make(prefix6: str, birth: dt.date, sequence: int, gender: str) -> str:
    """Build a valid ID (for demo data and tests): sequence 0-499, parity from gender."""
    seq = sequence % 500 * 2 + (1 if gender == "M" else 0)
    first17 = f"{prefix6}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def masked(value: str) -> str:
    """For lists: "110101199001011234" → "110101********1234" (region and last four kept,
    the birth date hidden). The full number is shown only on the person's own page."""
    text = (value or "").strip()
    if len(text) <= 10:
        return text
    return text[:6] + "*" * (len(text) - 10) + text[-4:]
