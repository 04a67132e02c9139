"""The zh-Hans input formats with ISO first (Django's own list starts with ``%Y/%m/%d``,
which a date input rejects, so the field would show blank)."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-01
    "%Y/%m/%d",  # 2026/12/01
    "%Y年%m月%d日",  # 2026年12月1日
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
]
