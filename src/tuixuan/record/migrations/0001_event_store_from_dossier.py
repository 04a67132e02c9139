"""The event store, as the dossier app created it, now held by the record app.

State only: the tables were created by dossier/migrations/0001-0003 and keep their names
(``dossier_event``, ``dossier_eventperson``, ``dossier_attachment``, ``dossier_chainhead``,
``dossier_checkpoint``), rows, hash chains and triggers; nothing is done to the database.
The person rows still carry the member link that dossier made; 0002 drops it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tuixuan.record.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("dossier", "0003_checkpoints"),
        ("registry", "0002_outside_lists_scope"),
        ("core", "0007_organisation_from_registry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ChainHead",
                    fields=[
                        (
                            "chain",
                            models.CharField(max_length=64, primary_key=True, serialize=False),
                        ),
                        ("last_seq", models.PositiveBigIntegerField(default=0)),
                        (
                            "last_hash",
                            models.CharField(
                                default="0000000000000000000000000000000000000000000000000000000000000000",
                                max_length=64,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "dossier_chainhead",
                    },
                ),
                migrations.CreateModel(
                    name="Checkpoint",
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
                        ("chain", models.CharField(max_length=64, verbose_name="纪实链")),
                        ("seq", models.PositiveBigIntegerField(verbose_name="序号")),
                        ("head_hash", models.CharField(max_length=64, verbose_name="链尾哈希")),
                        ("at", models.DateTimeField(verbose_name="时间")),
                        ("reason", models.CharField(max_length=64, verbose_name="原因")),
                        ("key_id", models.CharField(max_length=16, verbose_name="密钥标识")),
                        ("mac", models.CharField(max_length=64)),
                    ],
                    options={
                        "verbose_name": "纪实检查点",
                        "verbose_name_plural": "纪实检查点",
                        "db_table": "dossier_checkpoint",
                        "ordering": ["chain", "seq", "id"],
                        "base_manager_name": "objects",
                    },
                ),
                migrations.CreateModel(
                    name="Event",
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
                        ("chain", models.CharField(max_length=64, verbose_name="纪实链")),
                        ("seq", models.PositiveBigIntegerField(verbose_name="序号")),
                        (
                            "event_type",
                            tuixuan.record.models.EventTypeField(
                                max_length=64, verbose_name="事项类型"
                            ),
                        ),
                        ("at", models.DateTimeField(verbose_name="时间")),
                        (
                            "actor_name",
                            models.CharField(blank=True, max_length=150, verbose_name="经办人姓名"),
                        ),
                        (
                            "actor_role",
                            models.CharField(blank=True, max_length=32, verbose_name="经办人角色"),
                        ),
                        (
                            "actor_department",
                            models.CharField(blank=True, max_length=64, verbose_name="经办人部门"),
                        ),
                        (
                            "organisation_name",
                            models.CharField(
                                blank=True, max_length=128, verbose_name="经办党组织名称"
                            ),
                        ),
                        ("subject_type", models.CharField(max_length=32, verbose_name="对象类别")),
                        ("subject_id", models.CharField(max_length=64, verbose_name="对象标识")),
                        (
                            "accountable_organisation_name",
                            models.CharField(
                                blank=True, max_length=128, verbose_name="责任党组织名称"
                            ),
                        ),
                        (
                            "accountable_person",
                            models.CharField(blank=True, max_length=128, verbose_name="责任人"),
                        ),
                        ("summary", models.TextField(verbose_name="摘要")),
                        (
                            "inputs",
                            models.JSONField(blank=True, default=dict, verbose_name="决策依据快照"),
                        ),
                        (
                            "campaign_id",
                            models.PositiveBigIntegerField(
                                blank=True, null=True, verbose_name="换届选举"
                            ),
                        ),
                        ("content_hash", models.CharField(max_length=64, verbose_name="内容哈希")),
                        ("chain_hash", models.CharField(max_length=64, verbose_name="链哈希")),
                        (
                            "accountable_organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="core.organisation",
                                verbose_name="责任党组织",
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="经办人",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="core.organisation",
                                verbose_name="经办党组织",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "纪实事项",
                        "verbose_name_plural": "纪实事项",
                        "db_table": "dossier_event",
                        "ordering": ["at", "id"],
                        "base_manager_name": "objects",
                    },
                ),
                migrations.CreateModel(
                    name="Attachment",
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
                        ("position", models.PositiveSmallIntegerField()),
                        ("name", models.CharField(max_length=255, verbose_name="文件名")),
                        ("content_type", models.CharField(max_length=127, verbose_name="文件类型")),
                        ("size", models.PositiveBigIntegerField(verbose_name="大小")),
                        ("sha256", models.CharField(max_length=64)),
                        ("sm3", models.CharField(db_index=True, max_length=64)),
                        ("stored_path", models.CharField(max_length=255)),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="attachments",
                                to="record.event",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "纪实附件",
                        "verbose_name_plural": "纪实附件",
                        "db_table": "dossier_attachment",
                        "ordering": ["event_id", "position"],
                        "base_manager_name": "objects",
                    },
                ),
                migrations.CreateModel(
                    name="EventPerson",
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
                            "citizen_id",
                            models.CharField(
                                db_index=True, max_length=18, verbose_name="公民身份号码"
                            ),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="persons",
                                to="record.event",
                            ),
                        ),
                        (
                            "member",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.member",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "纪实涉及人员",
                        "verbose_name_plural": "纪实涉及人员",
                        "db_table": "dossier_eventperson",
                        "base_manager_name": "objects",
                    },
                ),
                migrations.AddIndex(
                    model_name="event",
                    index=models.Index(
                        fields=["subject_type", "subject_id"], name="dossier_event_subject"
                    ),
                ),
                migrations.AddIndex(
                    model_name="event",
                    index=models.Index(fields=["campaign_id", "at"], name="dossier_event_campaign"),
                ),
                migrations.AddConstraint(
                    model_name="event",
                    constraint=models.UniqueConstraint(
                        fields=("chain", "seq"), name="dossier_event_chain_seq"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="event",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("event_type__startswith", "core."),
                            ("event_type__startswith", "registry."),
                            ("event_type__startswith", "campaign."),
                            ("event_type__startswith", "nomination."),
                            ("event_type__startswith", "vetting."),
                            ("event_type__startswith", "notice."),
                            ("event_type__startswith", "election."),
                            ("event_type__startswith", "dossier."),
                            ("event_type__startswith", "oversight."),
                            _connector="OR",
                        ),
                        name="dossier_event_type_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="attachment",
                    constraint=models.UniqueConstraint(
                        fields=("event", "position"), name="dossier_attachment_position"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="eventperson",
                    constraint=models.UniqueConstraint(
                        fields=("event", "citizen_id"), name="dossier_eventperson_unique"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
