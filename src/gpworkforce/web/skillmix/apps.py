from django.apps import AppConfig


class SkillMixConfig(AppConfig):
    name = "gpworkforce.web.skillmix"
    label = "skillmix"
    verbose_name = "Skill mix"
    default_auto_field = "django.db.models.BigAutoField"
