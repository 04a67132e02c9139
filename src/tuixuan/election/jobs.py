"""Electorates drawn from the web as background jobs (``tuixuan.jobs``, docs/jobs.md).

Drawing the voters due of a large unit (a county's members) writes thousands of rows; the
page starts a job and shows its progress instead of waiting. The service stays one
transaction: the job only runs it in the worker and passes its progress on, so the list and
its event are those of a draw made at once (docs/domain.md §6.2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from tuixuan.core.errors import DomainError
from tuixuan.election import access, services
from tuixuan.jobs import runner

if TYPE_CHECKING:
    from tuixuan.core.models import User
    from tuixuan.election.models import Election
    from tuixuan.jobs.models import Job
    from tuixuan.jobs.runner import Reporter


def start_electorate_draw(*, actor: User, election: Election, members: int) -> Job:
    """Queue the draw; ``members`` (those with a vote now) is the progress bar's total."""
    return runner.start(
        kind="electorate_draw",
        actor=actor,
        params={"election": election.pk},
        title=_("%(title)s：生成应到会名单（约 %(n)d 人）")
        % {"title": election.title, "n": members},
        total=members,
    )


def run_electorate_draw(job: Job, reporter: Reporter) -> dict[str, Any]:
    if job.created_by is None:
        raise DomainError(_("发起任务的用户已不存在。"))
    user = job.created_by
    # The page's check again, now: the user may have lost the election meanwhile.
    try:
        election = access.get_election_for_user(user, job.params["election"], write=True)
    except (Http404, PermissionDenied) as exc:
        raise DomainError(_("该选举已不存在或无权管理。")) from exc
    reporter.progress(0, job.total, _("正在生成应到会名单"))
    voters = services.electorate_draw(
        actor=user,
        election=election,
        progress=lambda done, total: reporter.progress(done, total, _("正在写入应到会名单")),
    )
    return {"election": election.pk, "voters": voters}
