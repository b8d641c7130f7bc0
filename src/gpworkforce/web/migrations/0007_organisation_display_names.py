"""Organisation names loaded in capitals before the loaders wrote them as people read them are
rewritten by the same function (:func:`gpworkforce.domain.names.display_name`); names that already
have lower-case letters are left as they are."""

# ruff: noqa: RUF012  (Django migration)
from django.db import migrations

from gpworkforce.domain.names import display_name


def _title_case(apps, schema_editor):
    organisation = apps.get_model("web", "Organisation")
    changed = []
    for org in organisation.objects.only("code", "name").iterator():
        name = display_name(org.name) if org.name != org.code else org.name
        if name != org.name:
            org.name = name
            changed.append(org)
    organisation.objects.bulk_update(changed, ["name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("web", "0006_return_draft_round_deadline")]

    operations = [migrations.RunPython(_title_case, migrations.RunPython.noop)]
