from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "gpworkforce.web.papers"
    label = "papers"
    verbose_name = "Committee papers"
    default_auto_field = "django.db.models.BigAutoField"
