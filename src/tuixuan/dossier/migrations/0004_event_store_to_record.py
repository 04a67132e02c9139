"""The event store moves to the ``record`` app (the write side); dossier keeps the reading side.

State only: the tables keep their names (``dossier_event`` and the rest, set in the models'
Meta in tuixuan/record/models.py), with their rows, hash chains and append-only triggers."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("record", "0001_event_store_from_dossier"),
        ("dossier", "0003_checkpoints"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="attachment",
                    name="event",
                ),
                migrations.DeleteModel(
                    name="ChainHead",
                ),
                migrations.DeleteModel(
                    name="Checkpoint",
                ),
                migrations.RemoveField(
                    model_name="event",
                    name="accountable_organisation",
                ),
                migrations.RemoveField(
                    model_name="event",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="event",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="eventperson",
                    name="event",
                ),
                migrations.RemoveField(
                    model_name="eventperson",
                    name="member",
                ),
                migrations.DeleteModel(
                    name="Attachment",
                ),
                migrations.DeleteModel(
                    name="Event",
                ),
                migrations.DeleteModel(
                    name="EventPerson",
                ),
            ],
            database_operations=[],
        ),
    ]
