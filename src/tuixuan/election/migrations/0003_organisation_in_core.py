"""Foreign keys to the organisation tree now name ``core.Organisation``: the same table
(``registry_organisation``), so only Django's state changes (core/migrations/0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_organisation_from_registry"),
        ("election", "0002_seat_reduction_and_sittings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="election",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="elections",
                        to="core.organisation",
                        verbose_name="选举单位",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
