from __future__ import annotations

from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "tuixuan.campaign"
    label = "campaign"
    verbose_name = "推选工作"
