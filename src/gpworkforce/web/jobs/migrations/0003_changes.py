# ruff: noqa: RUF012  (written as Django's makemigrations would)
"""The registry count on the data version, and one row per data change (what it touched)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_cache_table")]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="registry",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="DataChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveBigIntegerField(db_index=True)),
                ("practice_code", models.CharField(blank=True, default="", max_length=16)),
            ],
            options={"verbose_name": "data change"},
        ),
    ]
