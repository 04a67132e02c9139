"""The table of the disposable-database mark (see tuixuan.core.dbmark); no model owns it."""

from django.db import migrations

from tuixuan.core.dbmark import MARK_TABLE, create_table_sql


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [
        migrations.RunSQL(sql=create_table_sql(), reverse_sql=f"DROP TABLE {MARK_TABLE}"),
    ]
