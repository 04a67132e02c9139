"""Every change in 公示, objections, 二下 and 报批, each with its record event in the same
transaction.

One module per aggregate: ``notices`` (the notice), ``objections`` (举报 and 异议) and
``lists`` (上级提名, the suggested list, the 预备人选 decision, 报批 and its answer). Each
service checks everything before it writes, so a refusal changes nothing and writes no event.
"""

from __future__ import annotations

from tuixuan.notice.services.lists import (
    list_decide,
    list_review,
    list_submit,
    placement_add,
    slate_suggest,
)
from tuixuan.notice.services.notices import (
    notice_close,
    notice_extend,
    notice_prepare,
    notice_publish,
    notice_revise,
)
from tuixuan.notice.services.objections import (
    objection_assign,
    objection_conclude,
    objection_investigate,
    objection_record,
)

__all__ = [
    "list_decide",
    "list_review",
    "list_submit",
    "notice_close",
    "notice_extend",
    "notice_prepare",
    "notice_publish",
    "notice_revise",
    "objection_assign",
    "objection_conclude",
    "objection_investigate",
    "objection_record",
    "placement_add",
    "slate_suggest",
]
