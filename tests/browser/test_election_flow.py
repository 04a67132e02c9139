"""Issue 6, "done when", in the browser: a unit holds its election — sign-in, ballots
printed (the PDF downloaded), two tellers enter the pile in their own sessions, the chief
scrutineer resolves their difference and releases the result on the hall screen, and the
tie it shows leads to a run-off round."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_election_entry import login
from tests.conftest import Tree
from tests.election.meeting_setup import fast_hashing, marks, prepared
from tests.render import pdf_text
from tuixuan.core.models import User
from tuixuan.election.models import Batch, DueVoter, Round, RoundKind, RoundStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["fast_hashing"]


def _yes(page: Any) -> None:
    """Accept the dialog of an irreversible step."""
    page.wait_for_selector("dialog.confirm[open]")
    page.click("dialog.confirm button[data-role=confirm-yes]")


def _enter(context: Any, base: str, username: str, batch: Batch, pile: list[str]) -> None:
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, base, username)
    page.goto(f"{base}/election/round/{batch.round_id}/")
    page.click(f"a[href='/election/batch/{batch.pk}/enter/']")
    page.wait_for_selector("#rows tr.current")
    for reading in pile:
        page.keyboard.type(reading)
        page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.includes('本批已全部录入')"
    )
    page.click("text=本遍录入完毕，提交")
    _yes(page)
    page.wait_for_selector("text=本遍录入已提交")


def test_a_unit_holds_its_election_in_the_browser(
    page: Any, browser: Any, live_server: Any, tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    meeting = prepared(tree, unit_operator, voters=3, seats=2, candidates=("王明", "李华", "张伟"))
    election = meeting.election
    base = live_server.url

    # The unit operator opens the meeting and signs the three voters in.
    login(page, base, unit_operator.username)
    page.goto(f"{base}/election/{election.pk}/")
    page.click("text=确定名单，开始签到")
    _yes(page)
    page.wait_for_url(f"**/election/{election.pk}/signin/")
    for voter in DueVoter.objects.filter(election=election):
        page.click(f"#voter-{voter.pk} button")
        page.wait_for_selector(f"#voter-{voter.pk}.present")
    page.wait_for_function(
        "() => document.getElementById('attendance').innerText.includes('实到会 3 人')"
    )
    assert "已达到法定人数" in page.inner_text("#attendance")

    # The meeting adopts the method and votes; ballots are printed and downloaded.
    page.goto(f"{base}/election/{election.pk}/")
    page.fill("textarea[name=text]", "本次选举采用无记名投票、差额选举的办法。")
    page.click("text=大会表决通过选举办法")
    page.wait_for_selector("text=选举办法已通过")
    page.click("button:has-text('开始投票')")
    page.wait_for_selector("h1:has-text('正式选举')")
    round_ = Round.objects.get(election=election, number=1)
    page.fill("input[name=copies]", "3")
    with page.expect_download() as download:
        page.click("text=生成选票 PDF")
    pdf = tmp_path / "ballots.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert text.count("候选人姓名") == 3 and "王明" in text and "张 / 共" not in text
    page.goto(f"{base}/election/round/{round_.pk}/")
    page.click("text=发出选票，开始投票")
    _yes(page)
    page.wait_for_selector("text=选票已发出")
    page.fill("input[name=ballot_count]", "3")
    page.click("text=建立批次")
    page.wait_for_selector("text=批次已建立")
    batch = Batch.objects.get(round=round_)

    # Two tellers, each in a session of his own, read the pile; the second misreads one.
    pile = [
        marks(round_, {"王明": "1", "李华": "1"}),
        marks(round_, {"王明": "1", "张伟": "1"}),
        marks(round_, {"李华": "1", "张伟": "1"}),
    ]
    misread = [pile[0], marks(round_, {"王明": "1"}), pile[2]]
    contexts = [browser.new_context(locale="zh-CN") for _n in range(3)]
    try:
        _enter(contexts[0], base, "teller_one", batch, pile)
        _enter(contexts[1], base, "teller_two", batch, misread)
        batch.refresh_from_db()
        assert batch.status == "reconciling"

        # The chief scrutineer resolves the difference against the paper ballot and counts.
        chief = contexts[2].new_page()
        chief.set_default_timeout(20_000)
        login(chief, base, "chief")
        chief.goto(f"{base}/election/round/{round_.pk}/")
        chief.click("text=核对差异")
        assert "第 2 张" in chief.inner_text("h2") and "第 1 张" not in chief.content()
        position = pile[1].index("1", pile[1].index("1") + 1)
        chief.select_option(f"select[name=m{position}]", "1")
        chief.click("text=裁定第 2 张")
        chief.wait_for_selector("text=没有待裁定的选票")
        chief.goto(f"{base}/election/round/{round_.pk}/")
        chief.click("button:has-text('计票')")
        chief.wait_for_selector("text=计票完成")

        # The hall screen shows nothing until the chief scrutineer releases the result.
        page.goto(f"{base}/election/{election.pk}/screen/")
        page.wait_for_selector("text=等待总监票人宣布结果")
        assert "得票相等" not in page.content()
        chief.click("text=总监票人宣布结果")
        _yes(chief)
        chief.wait_for_selector("text=结果已宣布")
        page.wait_for_selector("text=得票相等，须再次投票", timeout=15_000)
        screen = page.inner_text("body")
        assert all(name in screen for name in ("王明", "李华", "张伟"))
    finally:
        for context in contexts:
            context.close()

    # The tie leads to a run-off round among the three for the two seats.
    page.goto(f"{base}/election/round/{round_.pk}/")
    page.click("text=对得票相等者再次投票")
    page.wait_for_selector("h1:has-text('第 2 轮 再次投票')")
    runoff = Round.objects.get(election=election, number=2)
    assert (runoff.kind, runoff.seats, runoff.parent_id) == (RoundKind.RUNOFF, 2, round_.pk)
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.RELEASED
