"""A teller types paper ballots keyboard-only on the entry page and every one is saved as
typed: 20 ballots at 60 candidates, with a write-in and a doubtful ballot."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from tests import factories
from tests.conftest import Tree
from tests.election.meeting_setup import fast_hashing, in_session, prepared
from tuixuan.bench.management.commands.bench_count import candidate_names
from tuixuan.core.models import User
from tuixuan.election import services
from tuixuan.election.models import BatchEntry, EnteredBallot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["fast_hashing"]

BALLOTS = 20
CANDIDATES = 60
SEATS = 40


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_a_teller_types_20_ballots_at_60_candidates_keyboard_only(
    page: Any, live_server: Any, tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(
        tree,
        unit_operator,
        voters=BALLOTS,
        seats=SEATS,
        candidates=tuple(candidate_names(CANDIDATES)),
    )
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=BALLOTS)
    rng = random.Random(6)
    piles = ["".join(rng.choice("0120") for _i in range(CANDIDATES)) for _n in range(BALLOTS)]
    # Ballot 3: a write-in beside the first 不赞成; ballot 7: doubtful.
    write_in_row = piles[2].index("2")

    login(page, live_server.url, "teller_one")
    page.goto(f"{live_server.url}/election/batch/{batch.pk}/enter/")
    page.wait_for_selector("#rows tr.current")
    saved_js = (
        "n => document.getElementById('status').textContent.startsWith('第 ' + n + ' 张已保存')"
    )
    round_trips: list[float] = []
    started = time.perf_counter()
    for seq, marks in enumerate(piles, start=1):
        if seq == 3:
            page.keyboard.type(marks[: write_in_row + 1])
            page.keyboard.press("w")
            page.keyboard.type("欧阳新")
            page.keyboard.press("Escape")
            page.keyboard.type(marks[write_in_row + 1 :])
        else:
            page.keyboard.type(marks)
        if seq == 7:
            page.keyboard.press("d")
        pressed = time.perf_counter()
        page.keyboard.press("Enter")
        page.wait_for_function(saved_js, arg=seq)
        round_trips.append(time.perf_counter() - pressed)
    elapsed = time.perf_counter() - started
    assert "本批已全部录入" in page.inner_text("#status")
    assert page.inner_text("#progress") == f"已录入 {BALLOTS} / {BALLOTS} 张"
    print(
        f"\n键盘录入 {BALLOTS} 张 × {CANDIDATES} 名候选人：共 {elapsed:.2f} s，"
        f"平均每张 {elapsed / BALLOTS * 1000:.0f} ms（含 {CANDIDATES + 1} 次按键）；"
        f"按 Enter 到“已保存”平均 {sum(round_trips) / BALLOTS * 1000:.0f} ms"
    )

    entry = BatchEntry.objects.get(batch=batch, teller=meeting.teller_one)
    saved = {b.seq: b for b in EnteredBallot.objects.filter(entry=entry)}
    assert sorted(saved) == list(range(1, BALLOTS + 1))
    for seq, marks in enumerate(piles, start=1):
        assert saved[seq].marks == marks, seq
    assert saved[3].write_ins == {str(write_in_row): "欧阳新"}
    assert [seq for seq, b in saved.items() if b.doubtful] == [7]
