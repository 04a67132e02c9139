"""Foreign keys to the organisation tree now name ``core.Organisation``: the same table
(``registry_organisation``), so only Django's state changes (core/migrations/0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_organisation_from_registry"),
        ("nomination", "0001_recommendation_rounds_tallies_lists"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="branchreport",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="nomination_reports",
                        to="core.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="feedback",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="nominationlist",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="orgrecommendation",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="tally",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
