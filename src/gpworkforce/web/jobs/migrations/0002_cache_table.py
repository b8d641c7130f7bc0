"""The database cache's table (``CACHES["default"]`` when ``REDIS_URL`` is not set), created by
``migrate`` so that setting up a database is one command. ``createcachetable`` creates only the
tables missing and does nothing for a Redis cache, so running it again is harmless."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: object, schema_editor: object) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)  # type: ignore[attr-defined]


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]  # noqa: RUF012

    operations = [  # noqa: RUF012
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True),
    ]
