from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from tuixuan.core.forms import OnceForm
from tuixuan.election.models import (
    BodyType,
    ExclusionReason,
    ProfileChoice,
    ReductionAgreement,
    StaffRole,
)
from tuixuan.election.services import REMOVAL_REASONS


class ElectionForm(OnceForm):
    title = forms.CharField(label="会议名称", max_length=128)
    body_type = forms.ChoiceField(label="会议类型", choices=BodyType.choices)
    profile = forms.ChoiceField(label="选举规则", choices=ProfileChoice.choices)
    seats = forms.IntegerField(label="应选名额", min_value=1, max_value=5000)
    meeting_date = forms.DateField(
        label="会议日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CandidatesForm(forms.Form):
    lines = forms.CharField(
        label="候选人（每行一人：姓名，可在后面用逗号加身份证号以关联党员，再加备注）",
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ExclusionForm(forms.Form):
    reason = forms.ChoiceField(label="原因", choices=ExclusionReason.choices)
    approval = forms.CharField(label="批准情况", max_length=255)


class StaffForm(forms.Form):
    role = forms.ChoiceField(label="职责", choices=StaffRole.choices)
    name = forms.CharField(label="姓名", max_length=64, required=False)
    username = forms.CharField(label="系统账号（总监票人必填）", max_length=150, required=False)


class MethodForm(forms.Form):
    text = forms.CharField(label="选举办法（大会表决通过的文本）", widget=forms.Textarea)


class IssueForm(forms.Form):
    issued = forms.IntegerField(label="发出选票张数", min_value=1)


class PrintForm(OnceForm):
    copies = forms.IntegerField(label="印制张数", min_value=1, max_value=100_000)


class BatchForm(OnceForm):
    ballot_count = forms.IntegerField(label="本批选票张数", min_value=1, max_value=10_000)


class DecideForm(forms.Form):
    seq = forms.IntegerField(min_value=1)
    marks = forms.CharField(max_length=20_000)
    void = forms.BooleanField(label="裁定为废票", required=False)
    reason = forms.CharField(label="裁定理由", max_length=255, required=False)


class MeetingDateForm(forms.Form):
    meeting_date = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="更正理由（更正已确定的日期时填写）", max_length=200, required=False
    )


class RemovalForm(forms.Form):
    # No choice is preselected: each reason says something about a person.
    reason = forms.ChoiceField(
        label="原因", choices=[("", "（请选择）"), *[(r, r) for r in REMOVAL_REASONS]]
    )
    detail = forms.CharField(label="具体情况", max_length=200, required=False)


class GroupTotalsForm(forms.Form):
    """A hand-counted group's totals: per candidate 赞成 / 不赞成 / 弃权, which must add up
    to the group's valid ballots, and the write-ins one a line (``姓名 票数``)."""

    label = forms.CharField(label="计票组", max_length=64)
    ballots_collected = forms.IntegerField(label="本组收回选票", min_value=0, max_value=100_000)
    ballots_void = forms.IntegerField(label="本组废票", min_value=0, max_value=100_000)
    write_ins = forms.CharField(
        label="另选他人（每行一人：姓名 票数）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, names: Sequence[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = list(names)
        for i, name in enumerate(self.names):
            for key, what in (("f", "赞成"), ("a", "不赞成"), ("x", "弃权")):
                self.fields[f"{key}{i}"] = forms.IntegerField(
                    label=f"第 {i + 1} 行 {name} {what}",
                    min_value=0,
                    max_value=100_000,
                    initial=0,
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "number": i + 1,
                "name": name,
                "fields": [self[f"f{i}"], self[f"a{i}"], self[f"x{i}"]],
            }
            for i, name in enumerate(self.names)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        collected, void = data.get("ballots_collected"), data.get("ballots_void")
        if collected is None or void is None:
            return data
        if void > collected:
            raise forms.ValidationError(f"本组废票 {void} 张，多于收回选票 {collected} 张。")
        valid = collected - void
        tallies: dict[int, tuple[int, int]] = {}
        problems: list[str] = []
        for i, name in enumerate(self.names):
            marks = [data.get(f"{key}{i}") for key in ("f", "a", "x")]
            if any(m is None for m in marks):
                continue
            votes_for, votes_against, abstain = (int(m) for m in marks)  # type: ignore[arg-type]
            if votes_for + votes_against + abstain != valid:
                problems.append(
                    f"第 {i + 1} 行（{name}）：赞成 {votes_for} + 不赞成 {votes_against} + "
                    f"弃权 {abstain} = {votes_for + votes_against + abstain}，"
                    f"应等于本组有效票 {valid} 张。"
                )
            tallies[i] = (votes_for, votes_against)
        written: dict[str, int] = {}
        for number, raw in enumerate((data.get("write_ins") or "").splitlines(), start=1):
            line = raw.replace("，", " ").replace(",", " ").replace("：", " ").strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or not parts[1].isdigit():
                problems.append(f"另选他人第 {number} 行：应写作“姓名 票数”，如“钱七 3”。")
                continue
            if parts[0] in written:
                problems.append(f"另选他人第 {number} 行：“{parts[0]}”重复填写。")
                continue
            written[parts[0]] = int(parts[1])
        if problems:
            raise forms.ValidationError(problems)
        data["tallies"] = tallies
        data["written"] = written
        return data


class ReductionForm(forms.Form):
    agreed_by = forms.ChoiceField(label="同意方式", choices=ReductionAgreement.choices)
    voters = forms.IntegerField(label="应参加表决人数", min_value=1)
    votes_for = forms.IntegerField(label="赞成", min_value=0)
    votes_against = forms.IntegerField(label="不赞成", min_value=0)
    votes_abstain = forms.IntegerField(label="弃权", min_value=0)


class UnitElectionForm(OnceForm):
    """从推选工作创建: the seats, the rules and the ratios come from the campaign and are
    shown, not typed; only the title, the body and the date are the unit's."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="会议名称", max_length=128)
    body_type = forms.ChoiceField(label="会议类型", choices=BodyType.choices)
    meeting_date = forms.DateField(
        label="会议日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, body_types: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if body_types:
            self.fields["body_type"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in BodyType.choices if value in body_types
            ]
