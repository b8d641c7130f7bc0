from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gpworkforce.web"
    label = "web"
    verbose_name = "GP workforce"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gpworkforce.web import signin  # noqa: F401 (connects the sign-in audit receivers)
