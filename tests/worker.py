"""Run the real background worker in a test: every task queued and due, then stop."""

import io
from unittest import mock

from django.core.management import call_command
from django.db import connection


def run_worker() -> str:
    """Run `manage.py db_worker --batch` (the worker we ship) until nothing is due.

    Inside a test's transaction the worker must not close the database connection
    between tasks (that would end the test's transaction), just as Django's test
    client does not close it between requests. In a transactional test
    (`django_db(transaction=True)`) it runs untouched.
    """
    out = io.StringIO()
    args = ["db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    if connection.in_atomic_block:
        target = "django_tasks_db.management.commands.db_worker.close_old_connections"
        with mock.patch(target, lambda: None):
            call_command(*args, stdout=out)
    else:
        call_command(*args, stdout=out)
    return out.getvalue()
