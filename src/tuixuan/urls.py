from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("tuixuan.core.urls")),
    path("", include("tuixuan.accounts.urls")),
    path("registry/", include("tuixuan.registry.urls")),
    path("campaign/", include("tuixuan.campaign.urls")),
    path("nomination/", include("tuixuan.nomination.urls")),
    path("vetting/", include("tuixuan.vetting.urls")),
    path("notice/", include("tuixuan.notice.urls")),
    path("election/", include("tuixuan.election.urls")),
    path("oversight/", include("tuixuan.oversight.urls")),
    path("record/", include("tuixuan.dossier.urls")),
    path("jobs/", include("tuixuan.jobs.urls")),
]
