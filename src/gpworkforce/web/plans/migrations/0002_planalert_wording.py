"""Plan alerts get the wording their message was written in (``PlanAlert.wording``). Rows stored
before have the older wording (0): until 5 December 2026 a plan without a P10-P90 fan was told
"probability of meeting the target ... is 0%"; such rows are refreshed from the current data
before a page reads them (``gpworkforce.web.plans.alerts.open_alerts``)."""

# ruff: noqa: RUF012  (Django migration)
from django.db import migrations, models


def _older(apps, schema_editor):
    apps.get_model("plans", "PlanAlert").objects.update(wording=0)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="planalert",
            name="wording",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(_older, migrations.RunPython.noop),
    ]
