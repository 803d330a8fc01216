"""Send waiting email digests (run daily from cron); never sends an item twice."""

from django.core.management.base import BaseCommand

from deliberation.services.forum_polls import forum_polls_tick
from deliberation.services.notifications import digests_send


class Command(BaseCommand):
    help = (
        "Send each member's daily digest of new proposals and comments, and any single "
        "email that could not be sent before. Safe to run often: an item is sent once. "
        "Also opens and closes votes between meetings whose time has come."
    )

    def handle(self, *args: str, **options: object) -> None:
        ticked = forum_polls_tick()
        sent = digests_send()
        self.stdout.write(
            f"Digests sent: {sent['daily']}. Single emails sent: {sent['each']}. "
            f"Votes opened: {ticked['opened']}, closed: {ticked['closed']}."
        )
