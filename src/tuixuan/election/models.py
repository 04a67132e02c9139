"""The election meeting: electorate, attendance, staff, rounds, ballots and results.

Secrecy is a property of the schema: the ballot tables (``EnteredBallot``,
``SettledBallot``, ``GroupTotal``) have no relation to a member, a due voter or a
sign-in, and carry no time of their own; a ballot is known only by its place in a pile
(``Batch``) that the tellers take from the shuffled box.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuixuan.election.counting import Profile


class BodyType(models.TextChoices):
    MEMBERS_MEETING = "members_meeting", _("党员大会")
    DELEGATES_MEETING = "delegates_meeting", _("党员代表大会")
    CONGRESS = "congress", _("代表大会")
    PLENARY = "plenary", _("委员会全体会议")


class ProfileChoice(models.TextChoices):
    GRASSROOTS = Profile.GRASSROOTS.value, _("基层组织选举（实到会过半数当选）")
    LOCAL_CONGRESS = Profile.LOCAL_CONGRESS.value, _("地方代表大会（应到会过半数当选）")
    LOCAL_PLENARY = Profile.LOCAL_PLENARY.value, _("委员会全体会议（应到会过半数当选）")


class ElectionStatus(models.TextChoices):
    PREPARING = "preparing", _("筹备中")
    IN_SESSION = "in_session", _("会议进行中")
    CONCLUDED = "concluded", _("选举结束")
    REPORTED = "reported", _("已报召集机关")


class Election(models.Model):
    """One electing meeting of one body; each vote it holds is a ``Round``."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("选举单位"),
        on_delete=models.PROTECT,
        related_name="elections",
    )
    title = models.CharField(_("会议名称"), max_length=128)
    body_type = models.CharField(_("会议类型"), max_length=32, choices=BodyType.choices)
    profile = models.CharField(_("选举规则"), max_length=32, choices=ProfileChoice.choices)
    seats = models.PositiveIntegerField(_("应选名额"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ElectionStatus.choices, default=ElectionStatus.PREPARING
    )
    campaign_id = models.PositiveBigIntegerField(_("换届选举"), null=True, blank=True)
    unit = models.ForeignKey(
        "campaign.ElectionUnit",
        verbose_name=_("推选工作的选举单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elections",
    )
    candidate_list = models.ForeignKey(
        "notice.CandidateList",
        verbose_name=_("采用的候选人预备人选名单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    chief_scrutineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("总监票人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method_text = models.TextField(_("选举办法"), blank=True)
    method_adopted = models.BooleanField(_("选举办法已通过"), default=False)
    electorate_frozen = models.BooleanField(_("应到会名单已确定"), default=False)
    sitting = models.PositiveIntegerField(_("会次"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("选举会议")
        verbose_name_plural = _("选举会议")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=ElectionStatus.values),
                name="election_election_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(profile__in=ProfileChoice.values),
                name="election_election_profile_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(seats__gte=1), name="election_election_seats_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CandidateOrigin(models.TextChoices):
    """Where a candidate came from: typed in (an election outside a campaign), or the
    approved 候选人预备人选 of the campaign (docs/domain.md §3.7, docs/domain.md §4.6)."""

    ENTERED = "", _("直接录入")
    UNIT = "unit", _("本单位推荐")
    HIGHER = "higher", _("上级提名")


class Candidate(models.Model):
    """A person on a ballot of this election, entered directly or linked to a member.

    ``name`` is unique in the election because the counting rules identify people by
    the name printed on the ballot.
    """

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("姓名"), max_length=64)
    member = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("备注（单位职务）"), max_length=128, blank=True)
    origin = models.CharField(
        _("产生方式"), max_length=16, choices=CandidateOrigin.choices, blank=True, default=""
    )
    nominated_by = models.CharField(_("提名机关"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["election", "name"], name="election_candidate_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ExclusionReason(models.TextChoices):
    """Members with voting rights who, with approval and a meeting vote, are not counted
    among the voters due (docs/domain.md §6.2)."""

    ILL = "ill", _("因患精神病或其他疾病导致不能表达本人意志")
    ABROAD = "abroad", _("自费出国半年以上")
    SENTENCE = "sentence", _("正在服刑")
    BEDRIDDEN = "bedridden", _("年老体弱卧床不起、长期生病生活不能自理")
    AWAY = "away", _("工作单位和居住地点发生变化，外出时间半年以上且未转组织关系")
    RETIRED_FAR = "retired_far", _("离退休后异地居住")


class DueVoter(models.Model):
    """A member drawn into the electorate; ``exclusion`` set when approved out of it."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="due_voters")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=64)
    organisation_name = models.CharField(_("所在党组织"), max_length=128)
    exclusion = models.CharField(
        _("不计入应到会原因"), max_length=16, choices=ExclusionReason.choices, blank=True
    )
    exclusion_approval = models.CharField(_("批准情况"), max_length=255, blank=True)
    present = models.BooleanField(_("已签到"), default=False)

    class Meta:
        verbose_name = _("应到会人员")
        verbose_name_plural = _("应到会人员")
        ordering: ClassVar = ["organisation_name", "name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["election", "member"], name="election_duevoter_once"),
            models.CheckConstraint(
                condition=models.Q(exclusion__in=[*ExclusionReason.values, ""]),
                name="election_duevoter_exclusion_valid",
            ),
            models.CheckConstraint(
                condition=~(models.Q(present=True) & ~models.Q(exclusion="")),
                name="election_duevoter_excluded_not_present",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    CHIEF_SCRUTINEER = "chief_scrutineer", _("总监票人")
    DEPUTY_CHIEF = "deputy_chief", _("副总监票人")
    SCRUTINEER = "scrutineer", _("监票人")
    TELLER = "teller", _("计票人")


class Staff(models.Model):
    """Meeting staff; none may be a candidate of the election."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(_("职责"), max_length=32, choices=StaffRole.choices)
    name = models.CharField(_("姓名"), max_length=64)
    member = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("监票计票人员")
        verbose_name_plural = _("监票计票人员")
        ordering: ClassVar = ["role", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values), name="election_staff_role_valid"
            ),
            models.UniqueConstraint(
                fields=["election"],
                condition=models.Q(role="chief_scrutineer"),
                name="election_staff_one_chief",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class RoundKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("预选")
    FORMAL = "formal", _("正式选举")
    RUNOFF = "runoff", _("再次投票")
    SEPARATE = "separate", _("另行选举")
    BY_ELECTION = "by_election", _("补选")


class RoundStatus(models.TextChoices):
    PREPARING = "preparing", _("准备中")
    VOTING = "voting", _("投票计票中")
    COUNTED = "counted", _("已计票")
    RELEASED = "released", _("已宣布")


class Round(models.Model):
    """One vote. A later round points at the round it came from and never changes it."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField(_("轮次"))
    kind = models.CharField(_("类别"), max_length=16, choices=RoundKind.choices)
    seats = models.PositiveIntegerField(_("本轮应选名额"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.PREPARING
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    reason = models.CharField(_("发起原因"), max_length=255, blank=True)
    sitting = models.PositiveIntegerField(_("会次"), default=1)
    due_voters = models.PositiveIntegerField(_("应到会人数"), null=True, blank=True)
    present_voters = models.PositiveIntegerField(_("实到会人数"), null=True, blank=True)
    ballots_printed = models.PositiveIntegerField(_("印制选票"), default=0)
    ballots_issued = models.PositiveIntegerField(_("发出选票"), null=True, blank=True)
    result = models.JSONField(_("计票结果"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("选举轮次")
        verbose_name_plural = _("选举轮次")
        ordering: ClassVar = ["election_id", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["election", "number"], name="election_round_number"),
            models.CheckConstraint(
                condition=models.Q(status__in=RoundStatus.values),
                name="election_round_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RoundKind.values), name="election_round_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}轮 {self.get_kind_display()}"


class RoundCandidate(models.Model):
    """A candidate on this round's ballot, at ``position`` in surname-stroke order."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="entries")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["round_id", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "position"], name="election_rc_position"),
            models.UniqueConstraint(fields=["round", "candidate"], name="election_rc_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.position}"


class PrintRun(models.Model):
    """Ballots printed for a round: numbers ``first`` .. ``first + copies - 1``."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="print_runs")
    first = models.PositiveIntegerField()
    copies = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["round_id", "first"]

    def __str__(self) -> str:
        return f"{self.first}+{self.copies}"


class BatchStatus(models.TextChoices):
    ENTERING = "entering", _("录入中")
    RECONCILING = "reconciling", _("待总监票人核对")
    SETTLED = "settled", _("已核定")


class Batch(models.Model):
    """A pile of ballots taken from the box, entered twice by different tellers."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="batches")
    number = models.PositiveIntegerField(_("批次号"))
    ballot_count = models.PositiveIntegerField(_("本批选票张数"))
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.ENTERING
    )

    class Meta:
        verbose_name = _("选票批次")
        verbose_name_plural = _("选票批次")
        ordering: ClassVar = ["round_id", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "number"], name="election_batch_number"),
            models.CheckConstraint(
                condition=models.Q(status__in=BatchStatus.values),
                name="election_batch_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}批"


class BatchEntry(models.Model):
    """One teller's independent entry of a whole batch (``pass_number`` 1 or 2)."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="entries")
    pass_number = models.PositiveSmallIntegerField()
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["batch", "pass_number"], name="election_entry_pass"),
            models.UniqueConstraint(fields=["batch", "teller"], name="election_entry_teller"),
            models.CheckConstraint(
                condition=models.Q(pass_number__in=[1, 2]), name="election_entry_pass_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.pass_number}"


class EnteredBallot(models.Model):
    """One paper ballot as one teller read it.

    ``marks`` has one character per ballot position: ``1`` 赞成, ``2`` 不赞成, ``0`` 弃权;
    ``write_ins`` maps a position (as text) to the name written there.
    """

    entry = models.ForeignKey(BatchEntry, on_delete=models.CASCADE, related_name="ballots")
    seq = models.PositiveIntegerField()
    marks = models.TextField()
    write_ins = models.JSONField(default=dict, blank=True)
    doubtful = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["entry_id", "seq"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["entry", "seq"], name="election_entered_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}#{self.seq}"


class SettledBallot(models.Model):
    """The reading of a ballot that counts: agreed by both entries or decided by the
    chief scrutineer, with the ruling on a doubtful ballot."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="settled")
    seq = models.PositiveIntegerField()
    marks = models.TextField()
    write_ins = models.JSONField(default=dict, blank=True)
    void = models.BooleanField(default=False)
    decided = models.BooleanField(default=False)
    ruling_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering: ClassVar = ["batch_id", "seq"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["batch", "seq"], name="election_settled_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.seq}"


class GroupTotal(models.Model):
    """Totals of a group of ballots counted by hand (唱票计票) instead of entered one by one.

    ``tallies`` maps a ballot position (as text) to ``[赞成, 不赞成]``; ``write_ins`` maps a
    written-in name to its votes.
    """

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="group_totals")
    label = models.CharField(_("计票组"), max_length=64)
    ballots_collected = models.PositiveIntegerField(_("收回选票"))
    ballots_void = models.PositiveIntegerField(_("废票"))
    tallies = models.JSONField(default=dict)
    write_ins = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "label"], name="election_group_label"),
        ]

    def __str__(self) -> str:
        return self.label


class ResultRow(models.Model):
    """One person's figures in a counted round, for reports and the hall screen."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="result_rows")
    rank = models.PositiveIntegerField()
    name = models.CharField(max_length=64)
    in_favour = models.PositiveIntegerField()
    against = models.PositiveIntegerField()
    abstain = models.PositiveIntegerField()
    write_in = models.BooleanField(default=False)
    elected = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["round_id", "rank"]

    def __str__(self) -> str:
        return f"{self.name} {self.in_favour}"


class DelegateStatus(models.TextChoices):
    ELECTED = "elected", _("当选")
    CONFIRMED = "confirmed", _("资格确认")
    REMOVED = "removed", _("资格终止")


class Delegate(models.Model):
    """A person elected in a released round, and what the credentials check found."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="delegates")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="delegates")
    name = models.CharField(_("姓名"), max_length=64)
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    votes = models.PositiveIntegerField(_("得票"))
    status = models.CharField(
        _("状态"), max_length=16, choices=DelegateStatus.choices, default=DelegateStatus.ELECTED
    )
    removal_reason = models.CharField(_("终止原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("当选人")
        verbose_name_plural = _("当选人")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=DelegateStatus.values),
                name="election_delegate_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReductionAgreement(models.TextChoices):
    """Who agreed to elect fewer than the seats after a shortfall (docs/domain.md §6.6)."""

    ELECTORS = "electors", _("选举人过半数")
    PRESIDIUM = "presidium", _("大会主席团")


class SeatReduction(models.Model):
    """Seats given up after a shortfall instead of a 另行选举, with the agreement that
    allowed it. ``Election.seats`` stays as approved; the seats in force are
    ``seats_after`` of the latest reduction."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="reductions")
    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="reduction")
    seats_before = models.PositiveIntegerField(_("原应选名额"))
    seats_after = models.PositiveIntegerField(_("减少后应选名额"))
    agreed_by = models.CharField(_("同意方式"), max_length=16, choices=ReductionAgreement.choices)
    voters = models.PositiveIntegerField(_("应参加表决人数"))
    votes_for = models.PositiveIntegerField(_("赞成"))
    votes_against = models.PositiveIntegerField(_("不赞成"))
    votes_abstain = models.PositiveIntegerField(_("弃权"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("减少名额")
        verbose_name_plural = _("减少名额")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(agreed_by__in=ReductionAgreement.values),
                name="election_reduction_agreed_by_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(seats_after__lt=models.F("seats_before")),
                name="election_reduction_fewer_seats",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seats_before}→{self.seats_after}"


class SittingAttendance(models.Model):
    """The sign-in of an earlier sitting of the meeting, kept when a by-election's meeting
    starts a fresh sign-in. ``present_voters`` holds the due voters (ids) signed in then;
    the rounds of that sitting keep their own 应到/实到 figures."""

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="sitting_attendances"
    )
    sitting = models.PositiveIntegerField(_("会次"))
    due = models.PositiveIntegerField(_("应到会人数"))
    present = models.PositiveIntegerField(_("实到会人数"))
    present_voters = models.JSONField(default=list)

    class Meta:
        verbose_name = _("历次会议签到")
        verbose_name_plural = _("历次会议签到")
        ordering: ClassVar = ["election_id", "sitting"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["election", "sitting"], name="election_sitting_attendance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.sitting}"
