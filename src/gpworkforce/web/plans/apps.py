from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "gpworkforce.web.plans"
    label = "plans"
    verbose_name = "Plans, tracking and alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gpworkforce.web.plans import hooks

        hooks.connect()
