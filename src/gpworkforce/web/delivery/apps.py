from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "gpworkforce.web.delivery"
    label = "delivery"
    verbose_name = "Delivery assurance"
    default_auto_field = "django.db.models.BigAutoField"
