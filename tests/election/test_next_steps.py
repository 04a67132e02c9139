"""The election pages end with what comes next and who takes it; the teller's home links to
the round that waits for the tellers."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import Tree, login
from tests.election.meeting_setup import enter_batch, fast_hashing, in_session, marks, prepared
from tuixuan.core.models import User
from tuixuan.election import services

__all__ = ["fast_hashing"]


def _box(html: str) -> str:
    return html[html.index('id="next-step"') :]


def test_each_state_of_the_meeting_says_what_comes_next(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=3, seats=2)
    detail = reverse("election:detail", args=[meeting.election.pk])
    box = _box(login(unit_operator).get(detail).content.decode())
    assert "确定应到会名单，开始签到" in box and f'href="{detail}"' in box
    assert f"由 {tree.unit_a.name} 办理" in box

    round_ = in_session(meeting, unit_operator)
    round_url = reverse("election:round", args=[round_.pk])
    home = login(meeting.teller_one).get(reverse("core:home")).content.decode()
    assert "两名计票人分别录入选票" in home and f'href="{round_url}"' in home
    # The operator reads the step but the link is the tellers'.
    box = _box(login(unit_operator).get(detail).content.decode())
    assert "两名计票人分别录入选票" in box and f'href="{round_url}"' not in box

    enter_batch(meeting, round_, [marks(round_, {"王明": "1", "李华": "1"})] * 3)
    services.round_count(actor=meeting.chief, round_=round_)
    box = _box(login(meeting.chief).get(round_url).content.decode())
    assert "总监票人宣布选举结果" in box and f'href="{round_url}"' in box
