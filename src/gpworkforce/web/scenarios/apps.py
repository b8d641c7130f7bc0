from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "gpworkforce.web.scenarios"
    label = "scenarios"
    verbose_name = "Forecast scenarios"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gpworkforce.web.scenarios import hooks

        hooks.connect()
