"""Run the background worker: queued tasks, and the timed work every minute.

The package's own `db_worker`, which also starts the chain of timed work (opening
and closing votes between meetings, digests, retries of failed emails) unless it
is already going. `--batch` only runs what is queued now, then stops.
"""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from deliberation.tasks import ensure_scheduler


class Command(WorkerCommand):
    help = (
        "Run coprod's background worker: send emails and summaries, and open and close "
        "votes between meetings on time. With --batch, run what is queued, then stop."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["batch"]:
            ensure_scheduler()
        super().handle(*args, **options)
