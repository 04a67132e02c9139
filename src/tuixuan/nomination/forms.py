"""Forms for the fixed fields; the per-person tables (totals, participation, 二上 views) are
read from the POST by small parsers in the views, each bad cell named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from tuixuan.nomination.models import EntryMode

DATE = forms.DateInput(attrs={"type": "date"})


class MeetingForm(forms.Form):
    meeting_date = forms.DateField(label="会议日期", widget=DATE)
    meeting_place = forms.CharField(label="会议地点", max_length=128, required=False)
    presider = forms.CharField(label="主持人", max_length=64)
    members_due = forms.IntegerField(label="应到会党员", min_value=0)
    members_present = forms.IntegerField(label="实到会党员", min_value=0)
    accountable_person = forms.CharField(label="责任人（支部书记）", max_length=64)
    mode = forms.ChoiceField(label="录入方式", choices=EntryMode.choices)
    survey_total = forms.IntegerField(label="满意度测评人数", min_value=0, initial=0)
    survey_satisfied = forms.IntegerField(label="满意", min_value=0, initial=0)
    survey_basic = forms.IntegerField(label="基本满意", min_value=0, initial=0)
    survey_dissatisfied = forms.IntegerField(label="不满意", min_value=0, initial=0)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（系统模板）")


class LateForm(forms.Form):
    late_reason = forms.CharField(
        label="逾期受理理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectForm(forms.Form):
    reason = forms.CharField(label="更正理由", widget=forms.Textarea(attrs={"rows": 2}))
    # The report's version when the page was shown: a correction made on counts that have
    # moved since is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MeetingCorrectForm(forms.Form):
    """The level above corrects the meeting facts of a submitted report."""

    meeting_date = forms.DateField(label="会议日期", widget=DATE)
    meeting_place = forms.CharField(label="会议地点", max_length=128, required=False)
    presider = forms.CharField(label="主持人", max_length=64)
    members_due = forms.IntegerField(label="应到会党员", min_value=0)
    members_present = forms.IntegerField(label="实到会党员", min_value=0)
    reason = forms.CharField(label="更正理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ids of their own: the page has other forms with fields of the same name.
        kwargs.setdefault("auto_id", "mc_%s")
        super().__init__(*args, **kwargs)


class FeedbackCorrectForm(forms.Form):
    """The level above corrects the meeting facts of a branch's 二上 view."""

    meeting_date = forms.DateField(label="会议日期", widget=DATE)
    members_due = forms.IntegerField(label="应到会党员", min_value=0)
    members_present = forms.IntegerField(label="实到会党员", min_value=0)
    reason = forms.CharField(label="更正理由", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        key = kwargs.pop("key", "")
        kwargs.setdefault("auto_id", f"fc{key}_%s")
        super().__init__(*args, **kwargs)


class ListCorrectForm(forms.Form):
    """A further decision that corrects the facts of a collective decision."""

    decided_on = forms.DateField(label="研究日期", widget=DATE)
    attendance_due = forms.IntegerField(label="应到会人数", min_value=0)
    attendance_present = forms.IntegerField(label="实到会人数", min_value=0)
    decision = forms.CharField(label="研究决定", widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="更正理由", widget=forms.Textarea(attrs={"rows": 2}))


class OrgRecommendForm(forms.Form):
    candidate = forms.IntegerField(label="党员", widget=forms.HiddenInput)
    accountable_person = forms.CharField(label="责任人", max_length=64)
    late_reason = forms.CharField(
        label="逾期受理理由（超过二上截止日期时由上级党组织填写）", max_length=200, required=False
    )
    reason = forms.CharField(
        label="推荐理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ids of their own: the page has other forms with fields of the same name.
        kwargs.setdefault("auto_id", "rec_%s")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    decided_on = forms.DateField(label="研究日期", widget=DATE)
    attendance_due = forms.IntegerField(label="应到会人数", min_value=0)
    attendance_present = forms.IntegerField(label="实到会人数", min_value=0)
    decision = forms.CharField(label="研究决定", widget=forms.Textarea(attrs={"rows": 2}))
    accountable_person = forms.CharField(label="责任人", max_length=64)
    overdue_reason = forms.CharField(
        label="逾期未报说明（已过截止日期仍有党支部未报送时填写）",
        required=False,
        max_length=200,
    )


class CloseForm(forms.Form):
    """The unit closes its 一上 or 二上 (docs/domain.md §7.3)."""

    closed_on = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(
        label="说明（已过截止日期仍有党支部未报送时，写明按逾期未报处理的理由）",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        key = kwargs.pop("key", "")
        kwargs.setdefault("auto_id", f"close_{key}_%s")
        super().__init__(*args, **kwargs)


class ReopenForm(forms.Form):
    """A recorded decision to reconsider a decided list; the reason is checked by the
    service, so its refusal reads as the rule says it."""

    reopened_on = forms.DateField(label="决定日期", widget=DATE)
    reason = forms.CharField(
        label="重新研究的理由",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        key = kwargs.pop("key", "")
        kwargs.setdefault("auto_id", f"reopen_{key}_%s")
        super().__init__(*args, **kwargs)


class AdmitForm(forms.Form):
    """The level above admits a report after the unit's 一上 closed."""

    reason = forms.CharField(
        label="受理理由", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        key = kwargs.pop("key", "")
        kwargs.setdefault("auto_id", f"admit_{key}_%s")
        super().__init__(*args, **kwargs)


class ExemptionForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    decision = forms.CharField(label="决定内容", widget=forms.Textarea(attrs={"rows": 2}))
    accountable_person = forms.CharField(label="责任人", max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ids of their own: the page has other forms with fields of the same name.
        kwargs.setdefault("auto_id", "ex_%s")
        super().__init__(*args, **kwargs)


class FeedbackForm(forms.Form):
    """The 二上 meeting and, per name on the list, its 同意/不同意/弃权 counts: every cell is a
    field, so a refused submission comes back with what was typed and the bad cell marked."""

    meeting_date = forms.DateField(label="会议日期", widget=DATE)
    members_due = forms.IntegerField(label="应到会党员", min_value=0)
    members_present = forms.IntegerField(label="实到会党员", min_value=0)
    accountable_person = forms.CharField(label="责任人", max_length=64)

    FIXED = ("meeting_date", "members_due", "members_present", "accountable_person")
    VIEWS = (("agree", "同意"), ("disagree", "不同意"), ("abstain", "弃权"))

    def __init__(self, entries: Sequence[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for e in self.entries:
            for key, what in self.VIEWS:
                self.fields[f"{key}_{e.candidate_id}"] = forms.IntegerField(
                    label=f"{e.candidate.name} {what}",
                    min_value=0,
                    initial=0,
                    widget=forms.NumberInput(attrs={"min": 0, "style": "width:5em"}),
                )

    def fixed(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FIXED]

    def rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (e, [self[f"{key}_{e.candidate_id}"] for key, _ in self.VIEWS]) for e in self.entries
        ]

    def views(self) -> dict[int, tuple[int, int, int]]:
        d = self.cleaned_data
        return {
            e.candidate_id: (
                d[f"agree_{e.candidate_id}"],
                d[f"disagree_{e.candidate_id}"],
                d[f"abstain_{e.candidate_id}"],
            )
            for e in self.entries
        }

    def meeting(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIXED}
