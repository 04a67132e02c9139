"""The maintained tally: per organisation and person, the sum of its subtree's submitted counts.

Each submission or correction adds its per-person difference to the rows of the branch and of
every organisation above it up to the election unit, in the submission's own transaction. A
level's ranking is then an indexed read of its own rows (measured: a GROUP BY over
millions of forms takes seconds; the maintained rows answer a top-50 in milliseconds).
``fresh_group_by`` computes the same from the submitted counts; tests and the benchmark
compare the two.

One ``INSERT … ON CONFLICT … DO UPDATE`` per batch works on SQLite and PostgreSQL alike, and
concurrent submissions under different branches that meet at the same level serialise on
the row, never losing an increment.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

TALLY = "nomination_tally"


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def apply(
    *, round_id: int, organisation_ids: Sequence[int], rows: Sequence[tuple[int, int, int, int]]
) -> None:
    """Add (person, Δvotes, Δprobationary, Δreports) to the tally of each organisation."""
    if not rows or not organisation_ids:
        return
    sql = (
        f"INSERT INTO {TALLY} (round_id, organisation_id, candidate_id, votes, "  # noqa: S608 -- fixed table name
        "probationary_votes, reports) VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (round_id, organisation_id, candidate_id) DO UPDATE SET "
        f"votes = {TALLY}.votes + excluded.votes, "
        f"probationary_votes = {TALLY}.probationary_votes + excluded.probationary_votes, "
        f"reports = {TALLY}.reports + excluded.reports"
    )
    params = [
        (round_id, org_id, pk, dv, dp, dr) for org_id in organisation_ids for pk, dv, dp, dr in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        emptied = [pk for pk, *_ in rows]
        org_marks = ", ".join(["%s"] * len(organisation_ids))
        person_marks = ", ".join(["%s"] * len(emptied))
        cursor.execute(
            f"DELETE FROM {TALLY} WHERE round_id = %s AND organisation_id IN ({org_marks}) "  # noqa: S608 -- placeholders only
            f"AND candidate_id IN ({person_marks}) AND votes = 0 AND probationary_votes = 0 "
            "AND reports = 0",
            [round_id, *organisation_ids, *emptied],
        )


def top(
    *, round_id: int, organisation_id: int, limit: int | None = 50
) -> list[tuple[int, int, int, int]]:
    """(person, votes, probationary votes, reports), most votes first, ties by person id."""
    sql = (
        f"SELECT candidate_id, votes, probationary_votes, reports FROM {TALLY} "  # noqa: S608 -- fixed table name
        "WHERE round_id = %s AND organisation_id = %s "
        "ORDER BY votes DESC, probationary_votes DESC, candidate_id"
    )
    params: list[int] = [round_id, organisation_id]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(a), int(b), int(c), int(d)) for a, b, c, d in cursor.fetchall()]


def fresh_group_by(*, round_id: int, path: str) -> dict[int, tuple[int, int, int]]:
    """The same figures computed from the submitted counts of the subtree under ``path``."""
    sql = (
        "SELECT c.candidate_id, SUM(c.votes), SUM(c.probationary_votes), COUNT(*) "
        "FROM nomination_reportcount c "
        "JOIN nomination_branchreport r ON r.id = c.report_id "
        "JOIN registry_organisation o ON o.id = r.organisation_id "
        "WHERE r.round_id = %s AND r.status = 'submitted' AND o.path LIKE %s "
        "AND (c.votes > 0 OR c.probationary_votes > 0) "
        "GROUP BY c.candidate_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_id, path + "%"])
        return {int(a): (int(b), int(c), int(d)) for a, b, c, d in cursor.fetchall()}
