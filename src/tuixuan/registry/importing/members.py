"""Importing members: every row checked, then written in one pass through the driver."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter, lt, ne
from typing import Any, TypeVar

from django.db import connection, transaction
from pypinyin import Style, lazy_pinyin

from tuixuan.core import citizen_id as cid
from tuixuan.core import clock
from tuixuan.registry.importing import db
from tuixuan.registry.importing.columns import (
    CADRE_RANKS,
    EDUCATIONS,
    ETHNICITIES,
    GENDERS,
    MEMBER_TYPES,
    OCCUPATIONS,
    RIGHTS,
)
from tuixuan.registry.importing.common import Err, Outcome, Prepared, Progress
from tuixuan.registry.importing.counts import recompute_counts
from tuixuan.registry.importing.orgindex import OUT_OF_SCOPE, OrgIndex, organisations_fingerprint
from tuixuan.registry.importing.readers import Table
from tuixuan.registry.importing.values import (
    Cell,
    map_unique,
    norm,
    parse_date,
    parse_flag,
    squeeze,
)
from tuixuan.registry.models import MemberChange, MemberType, RightsStatus

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

MEMBER_TABLE = "registry_member"
# Database columns in the order rows are built; ``name_initials`` follows ``name``.
DB_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "citizen_id",
    "birth_date",
    "education",
    "occupation",
    "joined_date",
    "full_member_date",
    "member_type",
    "rights_status",
    "rights_until",
    "is_floating",
    "is_retired",
    "is_lost_contact",
    "is_abroad",
    "organisation_id",
    "name_initials",
    "cadre_rank",
    "current_post",
)
FLAGS = ("is_floating", "is_retired", "is_lost_contact", "is_abroad")
OUTSIDE_TABLES = ("registry_deputy", "registry_sanction", "registry_investigation")
REQUIRED = "不能为空"
ORG_FIELD = MemberChange.Field.ORGANISATION.value
TYPE_FIELD = MemberChange.Field.MEMBER_TYPE.value
RIGHTS_FIELD = MemberChange.Field.RIGHTS_STATUS.value

_WEIGHTS = cid.WEIGHTS
_CHECK = cid.CHECK_CHARACTERS
_ID_GENDER = {str(d): "M" if d % 2 else "F" for d in range(10)}
_LATIN = re.compile(r"[A-Za-z]")
_initial_cache: dict[str, str] = {}


def _char_initial(ch: str) -> str:
    found = _initial_cache.get(ch)
    if found is None:
        letters = lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
        found = letters[0][:1].lower() if letters and letters[0][:1].isalnum() else ""
        if not found and ch.isascii() and ch.isalnum():
            found = ch.lower()
        _initial_cache[ch] = found
    return found


def name_initials(name: str) -> str:
    """Pinyin initials for search ("张三" -> "zs"), looked up per character and cached:
    a million names repeat a few thousand characters."""
    return "".join(map(_char_initial, name))[:64]


def check_citizen_id(value: str) -> str | Err:
    """The canonical ID, or why it is not one (wording from ``core.citizen_id``)."""
    try:
        return cid.parse(value).number
    except cid.CitizenIdError as exc:
        return Err(str(exc))


_INVALID = -(10**6)  # any invalid part makes the weighted sum negative


class _Parts(dict[str, int]):
    """Weighted-sum contributions of one slice of the ID, computed once per distinct slice.

    An ID splits into region (6 digits, a handful of values per file), birth date (8, some
    tens of thousands) and sequence (3, at most a thousand), so the check digit of a million
    IDs costs three dictionary lookups each instead of seventeen multiplications.
    """

    def __init__(self, start: int, *, date: bool = False) -> None:
        super().__init__()
        self.start = start
        self.date = date

    def __missing__(self, key: str) -> int:
        value = _INVALID
        if key.isascii() and key.isdigit():
            value = sum(int(c) * w for c, w in zip(key, _WEIGHTS[self.start :], strict=False))
            if self.date:
                try:
                    dt.date(int(key[:4]), int(key[4:6]), int(key[6:]))
                except ValueError:
                    value = _INVALID
        self[key] = value
        return value


def _id_column(chk: _Checked, raw: Sequence[Cell] | None) -> Sequence[str | Err]:
    """Citizen IDs are all distinct, so the per-distinct-value mapping gains nothing here;
    canonical valid IDs take the fast path, everything else ``core.citizen_id.parse``."""
    if raw is None:
        raw = [""] * chk.n
    region, birth, sequence = chk.id_parts
    check = _CHECK
    out: list[str | Err] = []
    append = out.append
    slow = _required(check_citizen_id)
    for i, v in enumerate(raw):
        if type(v) is str and len(v) == 18:
            total = region[v[:6]] + birth[v[6:14]] + sequence[v[14:17]]
            if total >= 0 and check[total % 11] == v[17]:
                append(v)
                continue
        result = slow(norm(v))
        if isinstance(result, Err):
            chk.fail(i, "citizen_id", result.reason)
        append(result)
    return out


@dataclass
class _Checked:
    """Errors of the whole file, and what checking one chunk of rows teaches the next:
    each column's verdict per distinct value, the ID slices, the first row of each ID."""

    n: int  # rows in the chunk being checked
    row_numbers: Sequence[int]
    headers: dict[str, str]
    # row j as named in an error of row i (``Table.row_ref``: with its sheet or file when
    # the two rows are not in the same one)
    refer: Callable[[int, int], str]
    offset: int = 0  # index of the chunk's first row in the file
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    bad: set[int] = field(default_factory=set)
    verdicts: dict[str, dict[Any, Any]] = field(default_factory=dict)
    first_row: dict[str, int] = field(default_factory=dict)
    id_parts: tuple[_Parts, _Parts, _Parts] = field(
        default_factory=lambda: (_Parts(0), _Parts(6, date=True), _Parts(14))
    )

    def column(
        self, field: str, raw: Sequence[Cell] | None, fn: Callable[[str | dt.date], T | Err]
    ) -> Sequence[T | Err]:
        """Check a column once per distinct value; note each failing row."""
        if raw is None:
            raw = [""] * self.n
        mapping: dict[Any, Any] = self.verdicts.setdefault(field, {})
        distinct = set(raw)
        for v in distinct.difference(mapping):
            mapping[v] = fn(norm(v))
        failed = {v for v in distinct if type(mapping[v]) is Err}
        if failed:
            for i, v in enumerate(raw):
                if v in failed:
                    reason = mapping[v]
                    assert isinstance(reason, Err)  # noqa: S101 (narrowing)
                    self.fail(i, field, reason.reason)
        if all(type(v) is type(mapping[v]) and v == mapping[v] for v in distinct):
            return raw  # type: ignore[return-value]
        return list(map(mapping.__getitem__, raw))

    def fail(self, i: int, field: str, reason: str) -> None:
        """``i`` counts from the chunk's first row."""
        self.errors.append((i + self.offset, field, reason))
        self.bad.add(i + self.offset)


def _required(fn: Callable[[str], T | Err]) -> Callable[[str | dt.date], T | Err]:
    def check(value: str | dt.date) -> T | Err:
        if isinstance(value, dt.date):
            return Err(f"“{value}”不是有效的值")
        if not value:
            return Err(REQUIRED)
        return fn(value)

    return check


def _choice(vocab: dict[str, str], what: str) -> Callable[[str | dt.date], str | Err]:
    def lookup(value: str) -> str | Err:
        found = vocab.get(squeeze(value)) or vocab.get(value.lower())
        return found if found is not None else Err(f"未知的{what}“{value}”")

    return _required(lookup)


def _clean_name(value: str) -> str | Err:
    if " " in value and not _LATIN.search(value):
        value = value.replace(" ", "")
    if len(value) > 64:
        return Err("姓名过长（最多64字）")
    return value


def _date(*, required: bool, today: str) -> Callable[[str | dt.date], str | Err | None]:
    def check(value: str | dt.date) -> str | Err | None:
        parsed = parse_date(value)
        if parsed is None:
            return Err(REQUIRED) if required else None
        if isinstance(parsed, str) and parsed > today:
            return Err(f"日期“{value}”晚于今天")
        return parsed

    return check


def _post(value: str | dt.date) -> str | Err:
    text = value.isoformat() if isinstance(value, dt.date) else value
    if len(text) > 128:
        return Err("现任职务过长（最多128字）")
    return text


def _optional_date(value: str | dt.date) -> str | Err | None:
    return parse_date(value)


# Files at least this long, into an empty member table, are checked and written chunk by
# chunk, the write of one chunk overlapping the check of the next.
PIPELINE_MIN_ROWS = 100_000
PIPELINE_CHUNK = 50_000
# On SQLite the overlap measured slower at a million rows on a busy 2-core machine (the
# writer needs the interpreter lock between rows); kept switchable for the tests.
OVERLAP_ON_SQLITE = False


class _Rollback(Exception):
    """Undo the rows already written by an overlapped import that met a bad row."""


def run(
    table: Table,
    *,
    scope: str,
    only_valid: bool,
    progress: Progress,
    source: str,
    now: dt.datetime,
) -> Prepared:
    """Check every row (outside any transaction); the returned ``write`` writes the good ones."""
    n = len(table)
    out = Outcome(total_rows=n)
    today = clock.local_date(now).isoformat()
    chk = _Checked(n, table.row_numbers, table.headers, table.row_ref)
    index = OrgIndex.load()
    seen = organisations_fingerprint()

    def stale() -> bool:
        return organisations_fingerprint() != seen

    if (
        n >= PIPELINE_MIN_ROWS
        and (OVERLAP_ON_SQLITE or db.is_postgres())
        and db.table_is_empty(MEMBER_TABLE)
    ):
        # A first large load: checking overlaps writing, under the table lock, in the write
        # transaction (PostgreSQL only by default: readers are not blocked there).
        def overlapped() -> None:
            db.lock_for_import(MEMBER_TABLE)
            if db.table_is_empty(MEMBER_TABLE):
                _run_overlapped(table, chk, index, scope, today, only_valid, progress, out)
                return
            again = _plain(table, chk, index, scope, today, only_valid, progress, source, now)
            if again.write is not None:
                again.write()
            vars(out).update(vars(again.outcome))

        return Prepared(out, overlapped, stale)
    prepared = _plain(table, chk, index, scope, today, only_valid, progress, source, now)
    prepared.stale = stale
    return prepared


def _plain(
    table: Table,
    chk: _Checked,
    index: OrgIndex,
    scope: str,
    today: str,
    only_valid: bool,
    progress: Progress,
    source: str,
    now: dt.datetime,
) -> Prepared:
    n = len(table)
    out = Outcome(total_rows=n)
    raw = table.columns
    present = set(raw)
    step = 0

    def tick() -> None:
        nonlocal step
        step += 1
        progress(n * step // 16, n, "校验")

    checked = _check_chunk(chk, raw, index, scope, today, tick)
    names = checked["name"]
    ids = checked["citizen_id"]
    orgs = checked["organisation_id"]
    types = checked["member_type"]
    rights = checked["rights_status"]
    valid_ids = [c for c in ids if type(c) is str]

    errors = sorted(chk.errors)
    out.errors = [table.error(i, table.headers[f], r) for i, f, r in errors]
    if out.errors and not only_valid:
        return Prepared(out)
    initials, _ = map_unique(names, lambda v: name_initials(v) if isinstance(v, str) else "")
    columns: dict[str, Sequence[Any]] = {**checked, "name_initials": initials}

    def write() -> None:
        nonlocal errors
        progress(0, n, "写入")
        db.lock_for_import(MEMBER_TABLE)
        existing = _existing(valid_ids) if not db.table_is_empty(MEMBER_TABLE) else {}
        if existing:
            for i, c in enumerate(ids):
                if type(c) is str and c in existing and i not in chk.bad:
                    org_id = existing[c][1]
                    if not index.in_scope(org_id, scope):
                        chk.fail(
                            i,
                            "citizen_id",
                            f"该党员现属党组织“{index.nodes[org_id].name}”，{OUT_OF_SCOPE}",
                        )
            if len(chk.errors) > len(errors):
                errors = sorted(chk.errors)
                out.errors = [table.error(i, table.headers[f], r) for i, f, r in errors]
                if not only_valid:
                    return

        good = range(n) if not chk.bad else [i for i in range(n) if i not in chk.bad]
        new_rows = good if not existing else [i for i in good if ids[i] not in existing]
        old_rows = [] if not existing else [i for i in good if ids[i] in existing]

        def pick(rows: Sequence[int], name: str) -> Sequence[Any]:
            col = columns[name]
            return col if len(rows) == n else [col[i] for i in rows]

        total_writes = len(good)

        def on_chunk(done: int) -> None:
            progress(done, total_writes, "写入")

        if new_rows:
            rebuild: list[str] = []
            if (
                not existing
                and len(new_rows) >= db.BULK_INDEX_THRESHOLD
                and db.table_is_empty(MEMBER_TABLE)
            ):
                rebuild = db.drop_secondary_indexes(MEMBER_TABLE)
            db.bulk_insert(
                MEMBER_TABLE, DB_FIELDS, [pick(new_rows, f) for f in DB_FIELDS], on_chunk=on_chunk
            )
            if rebuild:
                progress(total_writes, total_writes, "建立索引")
                db.rebuild_indexes(rebuild)
        # (row, member id, field, old value, new value)
        changes: list[tuple[int, int, str, str, str]] = []
        if old_rows:
            update_fields = [
                f
                for f in DB_FIELDS
                if f != "citizen_id"
                and (
                    f in present
                    or (f == "name_initials" and "name" in present)
                    or (f == "organisation_id" and "organisation" in present)
                )
            ]
            member_ids: list[int] = []
            for i in old_rows:
                member_id, old_org, old_type, old_rights = existing[str(ids[i])]
                member_ids.append(member_id)
                if orgs[i] != old_org:
                    changes.append((i, member_id, ORG_FIELD, str(old_org), str(orgs[i])))
                if types[i] != old_type:
                    changes.append((i, member_id, TYPE_FIELD, old_type, str(types[i])))
                if "rights_status" in present and rights[i] != old_rights:
                    changes.append((i, member_id, RIGHTS_FIELD, old_rights, str(rights[i])))
            _update(old_rows, update_fields, columns, member_ids)
        if changes:
            at = now.astimezone(dt.UTC)
            at_text = (
                at.isoformat(sep=" ")
                if db.is_postgres()
                else at.replace(tzinfo=None).isoformat(sep=" ")
            )
            db.bulk_insert(
                "registry_memberchange",
                ("member_id", "at", "field", "old_value", "new_value", "source"),
                [
                    [c[1] for c in changes],
                    [at_text] * len(changes),
                    [c[2] for c in changes],
                    [c[3] for c in changes],
                    [c[4] for c in changes],
                    [source[:128]] * len(changes),
                ],
            )
        progress(total_writes, total_writes, "统计")
        recompute_counts()
        link_outside_lists()
        out.created = len(new_rows)
        out.updated = len(old_rows)
        out.written = True
        out.extra["changes"] = [
            {"citizen_id": ids[i], "field": f, "old": old, "new": new}
            for i, _, f, old, new in changes
        ]

    return Prepared(out, write)


def _check_chunk(
    chk: _Checked,
    raw: Mapping[str, Sequence[Cell]],
    index: OrgIndex,
    scope: str,
    today: str,
    tick: Callable[[], None],
) -> dict[str, Sequence[Any]]:
    """Check the rows of one chunk (``chk.offset`` onwards, ``chk.n`` of them), column by
    column; return the database columns of those rows (bad cells hold their ``Err``)."""
    n = chk.n
    names = chk.column("name", raw.get("name"), _required(_clean_name))
    tick()
    genders = chk.column("gender", raw.get("gender"), _choice(GENDERS, "性别"))
    ethnicities = chk.column("ethnicity", raw.get("ethnicity"), _choice(ETHNICITIES, "民族"))
    tick()
    ids = _id_column(chk, raw.get("citizen_id"))
    tick()
    births = chk.column("birth_date", raw.get("birth_date"), _date(required=True, today=today))
    educations = chk.column("education", raw.get("education"), _choice(EDUCATIONS, "学历"))
    occupations = chk.column("occupation", raw.get("occupation"), _choice(OCCUPATIONS, "人员类别"))
    tick()
    joined = chk.column("joined_date", raw.get("joined_date"), _date(required=True, today=today))
    full = chk.column(
        "full_member_date", raw.get("full_member_date"), _date(required=False, today=today)
    )
    types = chk.column("member_type", raw.get("member_type"), _choice(MEMBER_TYPES, "党员类型"))
    tick()

    def resolve(value: str) -> int | Err:
        found = index.resolve(value)
        if isinstance(found, int) and not index.in_scope(found, scope):
            return Err(OUT_OF_SCOPE)
        return found

    orgs = chk.column("organisation", raw.get("organisation"), _required(resolve))
    tick()
    rights: Sequence[Any]
    if "rights_status" in raw:
        rights = chk.column(
            "rights_status",
            raw["rights_status"],
            lambda v: RightsStatus.NORMAL if v == "" else _choice(RIGHTS, "表决权状态")(v),
        )
    else:
        rights = [RightsStatus.NORMAL.value] * n
    until = chk.column("rights_until", raw.get("rights_until"), _optional_date)
    flags = [chk.column(f, raw.get(f), parse_flag) for f in FLAGS]
    ranks = chk.column(
        "cadre_rank",
        raw.get("cadre_rank"),
        lambda v: "" if v == "" else _choice(CADRE_RANKS, "干部级别")(v),
    )
    posts = chk.column("current_post", raw.get("current_post"), _post)
    tick()
    _duplicates(chk, ids)
    tick()
    _cross_check(chk, ids, genders, births, joined, full, types, rights, until)
    tick()
    columns: dict[str, Sequence[Any]] = {
        "name": names,
        "gender": genders,
        "ethnicity": ethnicities,
        "citizen_id": ids,
        "birth_date": births,
        "education": educations,
        "occupation": occupations,
        "joined_date": joined,
        "full_member_date": full,
        "member_type": types,
        "rights_status": rights,
        "rights_until": until,
        "organisation_id": orgs,
        "cadre_rank": ranks,
        "current_post": posts,
    }
    columns.update(zip(FLAGS, flags, strict=True))
    return columns


def _duplicates(chk: _Checked, ids: Sequence[str | Err]) -> None:
    """IDs seen before, in this chunk or an earlier one; the row by row search runs only when
    the distinct counts say there are some."""
    offset = chk.offset
    chunk_first = {c: offset + i for i, c in enumerate(ids) if type(c) is str}
    valid = len(ids) - sum(1 for c in ids if type(c) is not str)
    first = chk.first_row
    if len(chunk_first) == valid and first.keys().isdisjoint(chunk_first):
        first.update(chunk_first)
        return
    for i, c in enumerate(ids):
        if type(c) is str:
            if c in first:
                where = chk.refer(first[c], offset + i)
                chk.fail(i, "citizen_id", f"公民身份号码与{where}重复")
            else:
                first[c] = offset + i


def _run_overlapped(
    table: Table,
    chk: _Checked,
    index: OrgIndex,
    scope: str,
    today: str,
    only_valid: bool,
    progress: Progress,
    out: Outcome,
) -> Outcome:
    """A large file into an empty member table: check a chunk, hand its good rows to the
    writer thread, check the next. All of it inside a savepoint, rolled back when a bad row
    turns up (unless ``only_valid``), so nothing is written then, as with the plain path."""
    n = len(table)
    raw = table.columns
    initials_of: dict[str, str] = {}
    created = 0

    def no_tick() -> None:
        pass

    try:
        with transaction.atomic():
            rebuild: list[str] = []
            if n >= db.BULK_INDEX_THRESHOLD:
                rebuild = db.drop_secondary_indexes(MEMBER_TABLE)
            with db.BackgroundInsert(MEMBER_TABLE, DB_FIELDS) as writer:
                for lo in range(0, n, PIPELINE_CHUNK):
                    hi = min(n, lo + PIPELINE_CHUNK)
                    chk.offset, chk.n = lo, hi - lo
                    checked = _check_chunk(
                        chk, {f: c[lo:hi] for f, c in raw.items()}, index, scope, today, no_tick
                    )
                    progress(hi, n, "校验")
                    if chk.errors and not only_valid:
                        continue  # keep checking to report every error; write no more
                    names = checked["name"]
                    for name in set(names).difference(initials_of):
                        initials_of[name] = name_initials(name) if type(name) is str else ""
                    checked["name_initials"] = list(map(initials_of.__getitem__, names))
                    good = [i for i in range(hi - lo) if lo + i not in chk.bad]
                    columns = [checked[f] for f in DB_FIELDS]
                    if len(good) < hi - lo:
                        columns = [[c[i] for i in good] for c in columns]
                    writer.put(columns)
                    created += len(good)
                    progress(writer.done, n, "写入")
            if chk.errors and not only_valid:
                raise _Rollback
            if rebuild:
                progress(n, n, "建立索引")
                db.rebuild_indexes(rebuild)
    except _Rollback:
        pass
    out.errors = [table.error(i, table.headers[f], r) for i, f, r in sorted(chk.errors)]
    if out.errors and not only_valid:
        return out
    progress(n, n, "统计")
    recompute_counts()
    link_outside_lists()
    out.created = created
    out.written = True
    out.extra["changes"] = []
    return out


_ID_BIRTH = itemgetter(slice(6, 14))
_ID_GENDER_DIGIT = itemgetter(16)
_LATEST = "9999-12-31"


def _only(column: Sequence[Any], *types: type) -> bool:
    return set(map(type, column)) <= set(types)


def _cross_check(
    chk: _Checked,
    ids: Sequence[Any],
    genders: Sequence[Any],
    births: Sequence[Any],
    joined: Sequence[Any],
    full: Sequence[Any],
    types: Sequence[Any],
    rights: Sequence[Any],
    until: Sequence[Any],
) -> None:
    """Rules between columns of one row.

    When the columns hold no rejected values, each rule is first evaluated column-wise with
    ``map`` over C-level operators to find the few rows that may break a rule; only those
    rows go through the per-row rules, which word the errors.
    """
    compact = {b: b.replace("-", "") for b in set(births) if type(b) is str}
    adult = {b: f"{int(b[:4]) + 18:04d}{b[4:]}" for b in compact}
    rows: Sequence[int] = range(len(ids))
    if (
        _only(ids, str)
        and _only(genders, str)
        and _only(births, str)
        and _only(joined, str)
        and _only(full, str, type(None))
        and _only(types, str)
    ):
        suspects: set[int] = set()

        def note(flags: list[bool]) -> None:
            if any(flags):
                suspects.update(i for i, x in enumerate(flags) if x)

        note(list(map(ne, map(compact.__getitem__, births), map(_ID_BIRTH, ids))))
        note(list(map(ne, map(_ID_GENDER.__getitem__, map(_ID_GENDER_DIGIT, ids)), genders)))
        note(list(map(lt, joined, map(adult.__getitem__, births))))
        latest = {f: _LATEST if f is None else f for f in set(full)}
        note(list(map(lt, map(latest.__getitem__, full), joined)))
        if MemberType.PROBATIONARY.value in set(types):
            note([t == MemberType.PROBATIONARY.value for t in types])
        if set(rights) != {RightsStatus.NORMAL.value} or set(until) != {None}:
            note(
                [
                    r != RightsStatus.NORMAL.value or u is not None
                    for r, u in zip(rights, until, strict=True)
                ]
            )
        rows = sorted(suspects)
    for i in rows:
        _row_rules(
            chk,
            i,
            ids[i],
            genders[i],
            births[i],
            joined[i],
            full[i],
            types[i],
            rights[i],
            until[i],
            compact,
            adult,
        )


def _row_rules(
    chk: _Checked,
    i: int,
    c: Any,
    g: Any,
    b: Any,
    j: Any,
    f: Any,
    t: Any,
    r: Any,
    u: Any,
    compact: dict[str, str],
    adult: dict[str, str],
) -> None:
    fail = chk.fail
    if type(c) is str:
        if type(b) is str and compact[b] != c[6:14]:
            fail(
                i,
                "birth_date",
                f"出生日期与公民身份号码不符（号码中为{c[6:10]}-{c[10:12]}-{c[12:14]}）",
            )
        if type(g) is str and _ID_GENDER[c[16]] != g:
            fail(i, "gender", "性别与公民身份号码不符")
    if type(j) is str:
        if type(b) is str and j < adult[b]:
            fail(i, "joined_date", "入党时未满18周岁")
        if type(f) is str and f < j:
            fail(i, "full_member_date", "转正日期早于入党日期")
    if t == MemberType.PROBATIONARY.value and type(f) is str:
        fail(i, "full_member_date", "预备党员不应有转正日期")
    if r == RightsStatus.PROBATION.value and u is None:
        fail(i, "rights_until", "留党察看的党员应填写察看期至")
    elif type(u) is str and r != RightsStatus.PROBATION.value:
        fail(i, "rights_until", "只有留党察看的党员填写察看期至")


def _existing(ids: Sequence[str]) -> dict[str, tuple[int, int, str, str]]:
    """Members already in the database among ``ids``: id, organisation, type, rights."""
    found: dict[str, tuple[int, int, str, str]] = {}
    chunk = 900
    with connection.cursor() as cursor:
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                "SELECT citizen_id, id, organisation_id, member_type, rights_status"  # noqa: S608
                f" FROM registry_member WHERE citizen_id IN ({marks})",
                list(part),
            )
            for row in cursor.fetchall():
                found[row[0]] = (row[1], row[2], row[3], row[4])
    return found


def _update(
    rows: Sequence[int],
    fields: Sequence[str],
    columns: dict[str, Sequence[Any]],
    member_ids: Sequence[int],
) -> None:
    if db.is_postgres():
        names = ["id", *fields]
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS tmp_member_import")
            cursor.execute(
                f"CREATE TEMP TABLE tmp_member_import ON COMMIT DROP AS SELECT {', '.join(names)}"  # noqa: S608
                " FROM registry_member WITH NO DATA"
            )
        db.bulk_insert(
            "tmp_member_import",
            names,
            [list(member_ids), *[[columns[f][i] for i in rows] for f in fields]],
        )
        sets = ", ".join(f"{f} = t.{f}" for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE registry_member AS m SET {sets} FROM tmp_member_import AS t"  # noqa: S608
                " WHERE m.id = t.id"
            )
            cursor.execute("DROP TABLE tmp_member_import")
        return
    sets = ", ".join(f"{f} = ?" for f in fields)
    assert connection.connection is not None  # noqa: S101 (connected by the lookups above)
    raw = connection.connection.cursor()
    raw.executemany(
        f"UPDATE registry_member SET {sets} WHERE id = ?",  # noqa: S608 (fixed names)
        [
            (*(columns[f][i] for f in fields), member_id)
            for i, member_id in zip(rows, member_ids, strict=True)
        ],
    )
    raw.close()


def link_outside_lists() -> None:
    """Point outside-list rows at the member with their citizen ID, whichever came first.

    A row applies only inside the subtree of the import that brought it (``scope``, a path
    prefix; "" for the whole tree): a member elsewhere with the same citizen ID is not
    matched, and a member who moved out of that subtree is matched no more.
    """
    with connection.cursor() as cursor:
        for table in OUTSIDE_TABLES:
            cursor.execute(
                f"UPDATE {table} SET member_id = (SELECT m.id FROM registry_member AS m"  # noqa: S608
                " JOIN registry_organisation AS o ON o.id = m.organisation_id"
                f" WHERE m.citizen_id = {table}.citizen_id"
                f" AND substr(o.path, 1, length({table}.scope)) = {table}.scope)"
            )
