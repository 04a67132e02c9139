"""The record knows persons by citizen ID only: the member link of the person rows goes.

The link pointed the record (the bottom of the layers) at the registry above it. The
reading side (tuixuan.dossier) finds a person's member row by citizen ID instead. The column
was never part of an event's hashed content, so the chains stay intact. On SQLite the table
is rebuilt without its append-only triggers; the record app puts them back after every
migration (RecordConfig.ready, post_migrate).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("record", "0001_event_store_from_dossier"),
    ]

    operations = [
        migrations.RemoveField(model_name="eventperson", name="member"),
    ]
