"""The organisation tree leaves registry for core; registry's foreign keys name core.Organisation.

State only: the table ``registry_organisation`` and its rows stay as they are
(core/migrations/0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0003_organisation_in_core"),
        ("election", "0003_organisation_in_core"),
        ("nomination", "0002_organisation_in_core"),
        ("dossier", "0004_event_store_to_record"),
        ("core", "0007_organisation_from_registry"),
        ("registry", "0002_outside_lists_scope"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="core.organisation",
                        verbose_name="所在党组织",
                    ),
                ),
                migrations.AlterField(
                    model_name="importjob",
                    name="scope",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                migrations.DeleteModel(
                    name="Organisation",
                ),
            ],
            database_operations=[],
        ),
    ]
