from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gpworkforce.web"
    label = "web"
    verbose_name = "GP workforce"
    default_auto_field = "django.db.models.BigAutoField"
