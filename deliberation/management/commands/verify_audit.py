"""Check every forum's audit chain, sealed polls, decisions and the rows shown as the record."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deliberation import audit
from deliberation.models import Forum


class Command(BaseCommand):
    help = (
        "Check the audit record: each forum's hash chain, the seal over each closed poll's "
        "ballots, each decision's audit hash, and every row the pages and exports show as "
        "the record (bound rows, poll options, comments, their earlier texts and HTML, "
        "progress notes, values beside the chain). Exits 0 with a one-line summary if all "
        "is well, 1 naming the first broken event, poll, decision or table row otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--forum", help="check only the forum with this short name (slug)")

    def handle(self, *args: str, forum: str | None = None, **options: object) -> None:
        forums = None
        if forum is not None:
            forums = list(Forum.objects.filter(slug=forum))
            if not forums:
                raise CommandError(f"No forum with the short name {forum!r}.", returncode=2)
        report = audit.verify_all(forums)
        if report.ok:
            self.stdout.write(f"Audit record intact: {report.summary()}.")
            return
        for problem in report.problems[1:]:
            self.stderr.write(f"Also broken: {problem.describe()}")
        first = report.problems[0]
        raise CommandError(
            f"Audit record BROKEN at {first.describe()} ({report.summary()}).", returncode=1
        )
