"""Ballot entry: batches, each teller's pass, the chief scrutineer's rulings, group totals."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tuixuan.core.errors import (
    ConcurrentChangeError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tuixuan.core.models import User
from tuixuan.election import access, aggregate, selectors
from tuixuan.election.domain import MARK_AGAINST, MARKS, check_batch_transition
from tuixuan.election.models import (
    Batch,
    BatchEntry,
    BatchStatus,
    EnteredBallot,
    GroupTotal,
    Round,
    RoundStatus,
    SettledBallot,
)
from tuixuan.election.services._common import (
    _digest,
    _record,
    _refuse_chief_entry,
    _require_chief,
    _require_teller,
    _set_status,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events


@writes_events(EventType.ELECTION_BATCH_CREATED)
def batch_create(*, actor: User, round_: Round, ballot_count: int) -> Batch:
    election = round_.election
    if not (
        access.can_enter(actor, election)
        or access.can_manage(actor, election)
        or access.is_chief_scrutineer(actor, election)
    ):
        raise PermissionDeniedError(_("当前角色无权建立选票批次。"))
    if round_.status != RoundStatus.VOTING:
        raise InvalidTransitionError(_("本轮不在投票计票阶段。"))
    if not 1 <= ballot_count <= 10_000:
        raise ValidationFailedError(_("每批选票张数须在 1 到 10000 之间。"))
    Round.objects.select_for_update().filter(pk=round_.pk).exists()
    number = (Batch.objects.filter(round=round_).aggregate(n=Max("number"))["n"] or 0) + 1
    batch = Batch.objects.create(round=round_, number=number, ballot_count=ballot_count)
    _record(
        event_type=EventType.ELECTION_BATCH_CREATED,
        actor=actor,
        election=election,
        summary=_("%(round)s 建立第 %(n)d 批选票，%(count)d 张")
        % {"round": round_, "n": number, "count": ballot_count},
        subject_type="election_batch",
        subject_id=batch.pk,
        inputs={"round": round_.number, "batch": number, "ballot_count": ballot_count},
    )
    return batch


def _clean_reading(
    round_: Round, marks: str, write_ins: Mapping[str | int, str], *, where: str
) -> tuple[str, dict[str, str]]:
    """Marks and write-ins as the ballot shows them, refused when impossible on paper."""
    names = selectors.round_names(round_)
    if len(marks) != len(names) or not set(marks) <= MARKS:
        raise ValidationFailedError(
            _("%(where)s：划记数据不完整（应有 %(n)d 位候选人）。")
            % {"where": where, "n": len(names)}
        )
    clean: dict[str, str] = {}
    candidates = set(names)
    for place, written in write_ins.items():
        text = (written or "").strip()
        if not text:
            continue
        try:
            index = int(place)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(names):
            raise ValidationFailedError(_("%(where)s：另选他人的位置无效。") % {"where": where})
        if marks[index] != MARK_AGAINST:
            raise ValidationFailedError(
                _("%(where)s：第 %(row)d 行（%(name)s）未划“不赞成”，不能另选他人。")
                % {"where": where, "row": index + 1, "name": names[index]}
            )
        if text in candidates:
            raise ValidationFailedError(
                _("%(where)s：另选的“%(name)s”是本轮候选人，不能作为另选他人。")
                % {"where": where, "name": text}
            )
        if text in clean.values():
            raise ValidationFailedError(
                _("%(where)s：同一张选票重复另选“%(name)s”，请标为存疑票交总监票人裁定。")
                % {"where": where, "name": text}
            )
        if len(text) > 64:
            raise ValidationFailedError(_("%(where)s：另选姓名过长。") % {"where": where})
        clean[str(index)] = text
    return marks, clean


@writes_events(EventType.ELECTION_ENTRY_SUBMITTED, may_skip=True)
def ballot_enter(
    *,
    actor: User,
    batch: Batch,
    seq: int,
    marks: str,
    write_ins: Mapping[str | int, str] | None = None,
    doubtful: bool = False,
) -> EnteredBallot:
    """One paper ballot as the teller reads it, into his own pass over the batch.

    Saving a ballot writes no record event on purpose: an event per ballot would put a
    time on each ballot. The teller's pass is recorded as a whole, with a digest of its
    content, when he submits it.
    """
    round_ = batch.round
    _require_teller(actor, round_.election)
    _refuse_chief_entry(actor, round_.election)
    if batch.status != BatchStatus.ENTERING:
        raise InvalidTransitionError(_("本批选票已录入完毕。"))
    if not 1 <= seq <= batch.ballot_count:
        raise ValidationFailedError(
            _("选票序号 %(seq)d 超出本批张数 %(n)d。") % {"seq": seq, "n": batch.ballot_count}
        )
    marks, clean = _clean_reading(
        round_, marks, write_ins or {}, where=_("第 %(seq)d 张") % {"seq": seq}
    )
    entry = BatchEntry.objects.filter(batch=batch, teller=actor).first()
    if entry is None:
        # Two tellers opening the batch at the same instant: the batch's row lock makes the
        # second wait until the first has taken pass 1, then it takes pass 2 (SQLite's
        # IMMEDIATE transactions already run them one after the other).
        Batch.objects.select_for_update().filter(pk=batch.pk).values_list("pk").first()
        taken = set(BatchEntry.objects.filter(batch=batch).values_list("pass_number", flat=True))
        if len(taken) >= 2:
            raise ValidationFailedError(_("本批选票已由两名计票人分别录入。"))
        try:
            with transaction.atomic():
                entry = BatchEntry.objects.create(
                    batch=batch, teller=actor, pass_number=1 if 1 not in taken else 2
                )
        except IntegrityError as exc:
            raise ConcurrentChangeError from exc
    if entry.submitted:
        raise InvalidTransitionError(_("您已提交本批选票的录入，不能再修改。"))
    ballot, _created = EnteredBallot.objects.update_or_create(
        entry=entry, seq=seq, defaults={"marks": marks, "write_ins": clean, "doubtful": doubtful}
    )
    return ballot


def _reading_payload(rows: Sequence[tuple[int, str, Any, bool]]) -> list[Any]:
    return [
        [seq, marks, sorted((write_ins or {}).items()), doubtful]
        for seq, marks, write_ins, doubtful in rows
    ]


@writes_events(EventType.ELECTION_ENTRY_SUBMITTED, EventType.ELECTION_BATCH_SETTLED)
def entry_submit(*, actor: User, batch: Batch) -> BatchEntry:
    """A teller finishes his pass. When both passes are in, every ballot they read alike
    (and nobody doubted) is settled; the rest wait for the chief scrutineer."""
    round_ = batch.round
    election = round_.election
    _require_teller(actor, election)
    _refuse_chief_entry(actor, election)
    entry = BatchEntry.objects.filter(batch=batch, teller=actor).first()
    if entry is None:
        raise ValidationFailedError(_("您尚未录入本批选票。"))
    rows = list(
        EnteredBallot.objects.filter(entry=entry)
        .order_by("seq")
        .values_list("seq", "marks", "write_ins", "doubtful")
    )
    missing = sorted(set(range(1, batch.ballot_count + 1)) - {r[0] for r in rows})
    if missing:
        shown = "、".join(str(n) for n in missing[:20])
        raise ValidationFailedError(
            _("还有 %(n)d 张选票未录入：第 %(seqs)s 张。") % {"n": len(missing), "seqs": shown}
        )
    if BatchEntry.objects.filter(pk=entry.pk, submitted=False).update(submitted=True) != 1:
        raise InvalidTransitionError(_("您已提交过本批选票的录入。"))
    entry.submitted = True
    _record(
        event_type=EventType.ELECTION_ENTRY_SUBMITTED,
        actor=actor,
        election=election,
        summary=_("%(round)s 第 %(n)d 批选票第 %(p)d 遍录入提交，%(count)d 张")
        % {"round": round_, "n": batch.number, "p": entry.pass_number, "count": len(rows)},
        subject_type="election_batch",
        subject_id=batch.pk,
        inputs={
            "round": round_.number,
            "batch": batch.number,
            "pass": entry.pass_number,
            "ballots": len(rows),
            "doubtful": sum(1 for r in rows if r[3]),
            "digest": _digest(_reading_payload(rows)),
        },
    )
    both = BatchEntry.objects.filter(batch=batch, submitted=True).count() == 2
    if both:
        _reconcile(actor=actor, batch=batch)
    return entry


def _reconcile(*, actor: User, batch: Batch) -> None:
    agreed, differences = selectors.compare(batch)
    SettledBallot.objects.bulk_create(
        SettledBallot(batch=batch, seq=seq, marks=r.marks, write_ins=r.write_ins)
        for seq, r in agreed.items()
    )
    if differences:
        _set_status(batch, BatchStatus.RECONCILING, check_batch_transition)
    else:
        _settle(actor=actor, batch=batch)


def _settle(*, actor: User, batch: Batch) -> None:
    _set_status(batch, BatchStatus.SETTLED, check_batch_transition)
    settled = SettledBallot.objects.filter(batch=batch)
    round_ = batch.round
    _record(
        event_type=EventType.ELECTION_BATCH_SETTLED,
        actor=actor,
        election=round_.election,
        summary=_("%(round)s 第 %(n)d 批选票核定") % {"round": round_, "n": batch.number},
        subject_type="election_batch",
        subject_id=batch.pk,
        inputs={
            "round": round_.number,
            "batch": batch.number,
            "ballots": settled.count(),
            "void": settled.filter(void=True).count(),
            "decided": settled.filter(decided=True).count(),
            "state": {"settled_digest": aggregate.settled_digest(batch.pk)},
        },
    )


@writes_events(EventType.ELECTION_BALLOT_DECIDED, EventType.ELECTION_BATCH_SETTLED)
def ballot_decide(
    *,
    actor: User,
    batch: Batch,
    seq: int,
    marks: str,
    write_ins: Mapping[str | int, str] | None = None,
    void: bool = False,
    reason: str = "",
) -> SettledBallot:
    """The chief scrutineer, with the scrutineers, decides a ballot the two entries read
    differently or a teller doubted: its true reading, and whether it is void."""
    round_ = batch.round
    election = round_.election
    _require_chief(actor, election)
    if BatchEntry.objects.filter(batch=batch, teller=actor).exists():
        raise PermissionDeniedError(
            _("您录入过本批选票，不能裁定本批的差异；请由未参与录入的总监票人裁定。")
        )
    if batch.status != BatchStatus.RECONCILING:
        raise InvalidTransitionError(_("本批选票不在待核对状态。"))
    pending = {d.seq: d for d in selectors.pending_differences(batch)}
    if seq not in pending:
        raise ValidationFailedError(_("第 %(seq)d 张选票无需裁定或已裁定。") % {"seq": seq})
    difference = pending[seq]
    marks, clean = _clean_reading(
        round_, marks, write_ins or {}, where=_("第 %(seq)d 张") % {"seq": seq}
    )
    reason = reason.strip()
    if (void or difference.doubtful) and not reason:
        raise ValidationFailedError(_("第 %(seq)d 张：存疑票或废票须写明裁定理由。") % {"seq": seq})
    try:
        with transaction.atomic():
            settled = SettledBallot.objects.create(
                batch=batch,
                seq=seq,
                marks=marks,
                write_ins=clean,
                void=void,
                decided=True,
                ruling_reason=reason[:255],
            )
    except IntegrityError as exc:
        raise ConcurrentChangeError from exc
    _record(
        event_type=EventType.ELECTION_BALLOT_DECIDED,
        actor=actor,
        election=election,
        summary=_("%(round)s 第 %(n)d 批第 %(seq)d 张选票裁定为%(ruling)s")
        % {
            "round": round_,
            "n": batch.number,
            "seq": seq,
            "ruling": _("废票") if void else _("有效票"),
        },
        subject_type="election_batch",
        subject_id=batch.pk,
        inputs={
            "round": round_.number,
            "batch": batch.number,
            "seq": seq,
            "readings": [
                dataclasses.asdict(r) if r is not None else None
                for r in (difference.first, difference.second)
            ],
            "decision": {"marks": marks, "write_ins": clean, "void": void},
            "reason": reason,
        },
    )
    if len(pending) == 1:
        _settle(actor=actor, batch=batch)
    return settled


@writes_events(EventType.ELECTION_GROUP_TOTALS_ENTERED)
def group_totals_enter(
    *,
    actor: User,
    round_: Round,
    label: str,
    ballots_collected: int,
    ballots_void: int,
    tallies: Mapping[int, tuple[int, int]],
    write_ins: Mapping[str, int] | None = None,
) -> GroupTotal:
    """For a group of ballots counted by hand, its totals instead of each ballot."""
    election = round_.election
    if not (access.can_enter(actor, election) or access.is_chief_scrutineer(actor, election)):
        raise PermissionDeniedError(_("只有计票人或总监票人可以录入分组计票结果。"))
    if round_.status != RoundStatus.VOTING:
        raise InvalidTransitionError(_("本轮不在投票计票阶段。"))
    label = label.strip()
    if not label:
        raise ValidationFailedError(_("请填写计票组名称。"))
    if ballots_void < 0 or ballots_void > ballots_collected:
        raise ValidationFailedError(_("废票数不能大于收回选票数。"))
    names = selectors.round_names(round_)
    clean_write_ins = {k.strip(): v for k, v in (write_ins or {}).items() if k.strip() and v}
    clash = sorted(set(clean_write_ins) & set(names))
    if clash:
        raise ValidationFailedError(
            _("另选的“%(name)s”是本轮候选人。") % {"name": "、".join(clash)}
        )
    aggregate.group_tally(
        names,
        seats=round_.seats,
        valid=ballots_collected - ballots_void,
        void=ballots_void,
        tallies=tallies,
        write_ins=clean_write_ins,
    )
    if GroupTotal.objects.filter(round=round_, label=label).exists():
        raise ValidationFailedError(_("计票组“%(label)s”已录入。") % {"label": label})
    total = GroupTotal.objects.create(
        round=round_,
        label=label,
        ballots_collected=ballots_collected,
        ballots_void=ballots_void,
        tallies={str(k): [f, a] for k, (f, a) in tallies.items()},
        write_ins=clean_write_ins,
    )
    _record(
        event_type=EventType.ELECTION_GROUP_TOTALS_ENTERED,
        actor=actor,
        election=election,
        summary=_("%(round)s 录入%(label)s计票结果，收回 %(n)d 张")
        % {"round": round_, "label": label, "n": ballots_collected},
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={
            "round": round_.number,
            "label": label,
            "ballots_collected": ballots_collected,
            "ballots_void": ballots_void,
            "tallies": {names[int(k)]: v for k, v in total.tallies.items()},
            "write_ins": clean_write_ins,
        },
    )
    return total
