"""What every job page shares: finding the user's own job, and the retry button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from tuixuan.core.errors import DomainError
from tuixuan.core.models import User
from tuixuan.jobs import runner
from tuixuan.jobs.models import Job

# The page that follows a job of each kind (its URL takes the job's pk).
PAGES = {
    Job.Kind.IMPORT: "registry:import_progress",
    Job.Kind.EXPORT_BOOKS: "dossier:export_progress",
    Job.Kind.EXPORT_MEMBERS: "registry:members_export_progress",
    Job.Kind.ELECTORATE_DRAW: "election:draw_progress",
}


def job_for_user(user: User, pk: int, kind: str) -> Job:
    """The user's own job of that kind, checked for a dead worker; anything else is 404."""
    job = Job.objects.filter(pk=pk, kind=kind, created_by=user).first()
    if job is None:
        raise Http404
    if job.status == Job.Status.RUNNING:
        runner.reap(job)
    return job


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    job = Job.objects.filter(pk=pk, created_by=user, kind__in=list(PAGES)).first()
    if job is None:
        raise Http404
    try:
        runner.retry(job=job, actor=user)
    except DomainError as exc:  # already retried, or not failed: say so on the job's page
        messages.error(request, exc.message)
    return redirect(PAGES[Job.Kind(job.kind)], pk=job.pk)
