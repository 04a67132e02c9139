"""The organisation tree moves from registry to core (below users), keeping its table.

Only Django's idea of which app holds the model changes: the table keeps its name
(``registry_organisation``, set in the model's Meta) and every row and constraint stays, so
nothing is done to the database (``SeparateDatabaseAndState`` with no database operation)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_outside_lists_scope"),
        ("core", "0006_loginlog_reasons_of_the_throttle"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Organisation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "code",
                            models.CharField(max_length=64, unique=True, verbose_name="组织代码"),
                        ),
                        (
                            "name",
                            models.CharField(
                                db_index=True, max_length=128, verbose_name="党组织名称"
                            ),
                        ),
                        (
                            "org_type",
                            models.CharField(
                                choices=[
                                    ("province", "省委"),
                                    ("city", "市委"),
                                    ("county", "县（区）委"),
                                    ("committee", "党委"),
                                    ("working_committee", "党工委"),
                                    ("general_branch", "党总支"),
                                    ("branch", "党支部"),
                                ],
                                max_length=32,
                                verbose_name="组织类别",
                            ),
                        ),
                        ("path", models.CharField(max_length=255, unique=True)),
                        ("depth", models.PositiveSmallIntegerField(default=0)),
                        (
                            "direct_member_count",
                            models.PositiveIntegerField(default=0, verbose_name="直属党员数"),
                        ),
                        (
                            "member_count",
                            models.PositiveIntegerField(default=0, verbose_name="党员数（含下级）"),
                        ),
                        (
                            "child_count",
                            models.PositiveIntegerField(default=0, verbose_name="下级组织数"),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="core.organisation",
                                verbose_name="上级党组织",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "党组织",
                        "verbose_name_plural": "党组织",
                        "db_table": "registry_organisation",
                        "ordering": ["path"],
                    },
                ),
                migrations.AlterField(
                    model_name="user",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="users",
                        to="core.organisation",
                        verbose_name="所属党组织",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="organisation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            (
                                "org_type__in",
                                [
                                    "province",
                                    "city",
                                    "county",
                                    "committee",
                                    "working_committee",
                                    "general_branch",
                                    "branch",
                                ],
                            )
                        ),
                        name="registry_org_type_valid",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
