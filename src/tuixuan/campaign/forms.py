"""Forms for the set-up pages. They parse and check shape; the services decide."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django import forms
from django.db.models import QuerySet

from tuixuan.campaign.models import (
    ActivityKind,
    Campaign,
    ElectionUnit,
    Level,
    NonOverlapPolicy,
    RuleProfile,
    Stage,
)
from tuixuan.campaign.rules import structure
from tuixuan.core.forms import OnceForm
from tuixuan.core.models import Organisation

_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*[%％]\s*$")
_RATIO = re.compile(r"^\s*([0-9]+)\s*/\s*([0-9]+)\s*$")
_NUMBER = re.compile(r"^\s*[0-9]+(?:\.[0-9]+)?\s*$")


def parse_fraction(text: str) -> Fraction:
    """ "20%", "12.5%", "1/5", "8" or "8.5" as an exact Fraction; ValueError otherwise."""
    m = _PERCENT.match(text)
    if m:
        return Fraction(Decimal(m.group(1))) / 100
    m = _RATIO.match(text)
    if m:
        if int(m.group(2)) == 0:
            raise ValueError("分母不能为 0")
        return Fraction(int(m.group(1)), int(m.group(2)))
    if _NUMBER.match(text):
        try:
            return Fraction(Decimal(text.strip()))
        except InvalidOperation as exc:
            raise ValueError(text) from exc
    raise ValueError(text)


def fraction_text(value: Fraction, *, as_percent: bool = True) -> str:
    """The way a ratio is shown in a form: "20%" when exact to two decimals, else "2/3"."""
    if as_percent:
        hundred = value * 100
        if (hundred * 100).denominator == 1:
            text = format(Decimal(hundred.numerator) / Decimal(hundred.denominator), "f")
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{text}%"
        return f"{value.numerator}/{value.denominator}"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


class FractionField(forms.Field):
    """A ratio typed as "20%", "1/5" or a number."""

    widget = forms.TextInput(attrs={"size": 10})

    def __init__(self, *, as_percent: bool = True, **kwargs: Any) -> None:
        self.as_percent = as_percent
        kwargs.setdefault("help_text", "如 20%、12.5% 或 1/3" if as_percent else "如 8 或 8.5")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Fraction):
            return fraction_text(value, as_percent=self.as_percent)
        return value

    def to_python(self, value: Any) -> Fraction | None:
        text = str(value or "").strip()[:32]
        if not text:
            return None
        try:
            return parse_fraction(text)
        except ValueError as exc:
            raise forms.ValidationError(f"“{text}”不是有效的比例或数值（如 20%、1/3）") from exc


class LinesField(forms.CharField):
    """A list typed one item per line."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 30})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class CampaignCreateForm(OnceForm):
    name = forms.CharField(label="名称", max_length=128, help_text="如 市第五次党代会")
    level = forms.ChoiceField(label="层级", choices=Level.choices, initial=Level.CITY)
    term = forms.CharField(label="届次", max_length=64, required=False)
    total_seats = forms.IntegerField(label="代表名额", min_value=1)
    convening_organisation = forms.ModelChoiceField(
        label="召集机关", queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["convening_organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 -- narrows the type
        field.queryset = organisations


class SettingsForm(forms.Form):
    name = forms.CharField(label="名称", max_length=128)
    term = forms.CharField(label="届次", max_length=64, required=False)
    level = forms.ChoiceField(label="层级", choices=Level.choices)
    total_seats = forms.IntegerField(label="代表名额", min_value=1)
    margin_ratio = FractionField(label="差额比例")
    pool_multiple = FractionField(label="推荐人选倍数", as_percent=False)
    names_per_form = forms.IntegerField(label="每张推荐表可填人数", min_value=1)
    default_rule_profile = forms.ChoiceField(
        label="选举单位默认选举规则", choices=RuleProfile.choices
    )
    notice_working_days = forms.IntegerField(label="公示期（工作日）", min_value=1)
    second_notice = forms.BooleanField(
        label="预备人选再次公示（二下确定的预备人选报批前再公示一次）", required=False
    )
    equal_by_election = forms.BooleanField(
        label="补选可等额选举（补选候选人可等于应选名额；其他轮次一律差额）", required=False
    )
    non_overlap_policy = forms.ChoiceField(
        label="与人大代表、政协委员交叉", choices=NonOverlapPolicy.choices
    )
    departments = LinesField(label="联审部门（每行一个）")
    disqualification_reasons = LinesField(label="一票否决情形（每行一项）")
    org_participation_target = FractionField(label="党组织参与率目标")
    member_participation_target = FractionField(label="党员参与率目标")
    reduction_threshold = FractionField(label="另行选举/减少名额的接近程度")
    allocation_minimum = forms.IntegerField(label="每单位保底名额", min_value=0)
    member_weight = FractionField(label="名额分配中党员数权重")
    required_activities = forms.MultipleChoiceField(
        label="一上开始前各选举单位须开展的活动",
        choices=ActivityKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        from tuixuan.campaign.selectors import settings_snapshot

        return settings_snapshot(campaign)


def _org_label(org: Organisation) -> str:
    parent = f"{org.parent.name} · " if org.parent is not None and org.parent.parent_id else ""
    return f"{parent}{org.name}（{org.code}，党员 {org.member_count} 名）"


class OrganisationChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Organisations shown with their parent, code and membership."""

    def label_from_instance(self, obj: Any) -> str:
        return _org_label(obj)


class UnitAddForm(forms.Form):
    organisations = OrganisationChoices(
        label="选为选举单位的党组织",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    rule_profile = forms.ChoiceField(
        label="选举规则", choices=[("", "按推选工作默认"), *RuleProfile.choices], required=False
    )

    def __init__(self, *args: Any, candidates: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 -- narrows the type
        field.queryset = candidates


class UnitForm(forms.Form):
    secretary_name = forms.CharField(label="第一责任人（书记）", max_length=64, required=False)
    secretary_post = forms.CharField(label="第一责任人职务", max_length=128, required=False)
    deputy_name = forms.CharField(label="具体负责人（分管领导）", max_length=64, required=False)
    deputy_post = forms.CharField(label="具体负责人职务", max_length=128, required=False)
    rule_profile = forms.ChoiceField(label="选举规则", choices=RuleProfile.choices)
    recommending_organisations = forms.ModelMultipleChoiceField(
        label="参与推荐的下级党组织",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, unit: ElectionUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recommending_organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 -- narrows the type
        org = unit.organisation
        field.queryset = Organisation.objects.filter(
            path__startswith=org.path, depth__in=(org.depth + 1, org.depth + 2)
        ).order_by("path")

    @staticmethod
    def initial_for(unit: ElectionUnit) -> dict[str, Any]:
        return {
            "secretary_name": unit.secretary_name,
            "secretary_post": unit.secretary_post,
            "deputy_name": unit.deputy_name,
            "deputy_post": unit.deputy_post,
            "rule_profile": unit.rule_profile,
            "recommending_organisations": list(unit.recommending_organisations.all()),
        }


class ProposeForm(forms.Form):
    minimum = forms.IntegerField(label="每单位保底名额", min_value=0)
    member_weight = FractionField(label="党员数权重（其余为党组织数）")


class AdjustForm(forms.Form):
    reason = forms.CharField(
        label="调整理由", widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), max_length=500
    )

    def __init__(self, *args: Any, units: list[ElectionUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units
        for unit in units:
            self.fields[f"seats_{unit.pk}"] = forms.IntegerField(
                label=unit.organisation.name, min_value=0, initial=unit.seats
            )

    def seats(self) -> dict[int, int]:
        return {u.pk: int(self.cleaned_data[f"seats_{u.pk}"]) for u in self.units}

    def rows(self) -> list[tuple[ElectionUnit, forms.BoundField]]:
        return [(u, self[f"seats_{u.pk}"]) for u in self.units]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500)


_CATEGORY_CHOICES = [(c.value, label) for c, label in structure.CATEGORY_LABELS.items()]
_COMPARATOR_CHOICES = [
    (">=", "不低于 ≥"),
    (">", "高于 >"),
    ("<=", "不高于 ≤"),
    ("<", "低于 <"),
    ("==", "等于 ="),
]


class TargetForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="适用范围",
        queryset=ElectionUnit.objects.none(),
        required=False,
        empty_label="全体（各选举单位）",
    )
    category = forms.ChoiceField(label="类别", choices=_CATEGORY_CHOICES)
    comparator = forms.ChoiceField(label="要求", choices=_COMPARATOR_CHOICES)
    base = forms.ChoiceField(
        label="口径",
        choices=[(structure.Base.SHARE.value, "比例"), (structure.Base.COUNT.value, "人数")],
    )
    threshold = FractionField(label="目标值", required=False, help_text="比例如 1/3、27%；人数如 3")
    women_share = forms.BooleanField(
        label="妇女比例按党员中妇女比例（从党员名册计算）", required=False
    )
    note = forms.CharField(label="说明", max_length=128, required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 -- narrows the type
        field.queryset = campaign.units.select_related("organisation").order_by(
            "organisation__code"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("women_share"):
            if data.get("category") != structure.Category.WOMEN.value:
                self.add_error("women_share", "只有“妇女”类别可按党员中妇女比例设定")
        elif data.get("threshold") is None and "threshold" not in self.errors:
            self.add_error("threshold", "请填写目标值")
        return data


class PlanForm(forms.Form):
    start = forms.DateField(label="部署开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    confirm_past = forms.BooleanField(
        label="开始日期早于今天，确认按此编排（已过的节点将显示为逾期）", required=False
    )


class MilestoneForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    deadline = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="工作内容", max_length=255, required=False)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label="完成日期", widget=forms.DateInput(attrs={"type": "date"}))


class OverrideForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(
        label="安排",
        choices=[("0", "放假（休息日）"), ("1", "调休上班（工作日）")],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label="名称", max_length=64, help_text="如 国庆节、国庆节调休上班")
