from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = "Co-production"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # deliberation/tasks.py listens for the work services ask for (outbox.work_due);
        # it needs the models, so it is loaded once they are, as the admin loads admin.py.
        autodiscover_modules("tasks")
