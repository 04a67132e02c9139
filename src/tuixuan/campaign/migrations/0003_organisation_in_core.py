"""Foreign keys to the organisation tree now name ``core.Organisation``: the same table
(``registry_organisation``), so only Django's state changes (core/migrations/0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0002_campaign_withdrawn_status"),
        ("core", "0007_organisation_from_registry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="campaign",
                    name="convening_organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="campaigns",
                        to="core.organisation",
                        verbose_name="召集机关",
                    ),
                ),
                migrations.AlterField(
                    model_name="electionunit",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="election_units",
                        to="core.organisation",
                        verbose_name="党组织",
                    ),
                ),
                migrations.AlterField(
                    model_name="electionunit",
                    name="recommending_organisations",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="recommending_for_units",
                        to="core.organisation",
                        verbose_name="参与推荐的下级党组织",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
