from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = "Co-production"
    default_auto_field = "django.db.models.BigAutoField"
