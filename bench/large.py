"""Load at large: every page a member, facilitator or commissioner opens, on a big forum.

Issue 12's target, on the embedded default (SQLite): a forum with 200 ideas and 5,000
comments, a decision log of 1,000 decisions and an audit chain of 100,000 events; every
page within 200 ms at p95, and `manage.py verify_audit` within 10 s.

This script makes a fresh SQLite database in a temp dir, seeds that forum (through the
services where a row is the record's; in bulk where the chain allows, building each
event as deliberation/audit.py does), then opens each page with Django's test client
(the whole middleware stack, in this process) and prints p50 / p95 per page beside the
goal, the exports' time to first byte and in all, and verify_audit's time beside 10 s.

Run with `make bench` (or `SECRET_KEY=bench .venv/bin/python bench/large.py --help`).
Exit 0 when the seeded record verifies and every page answers 200; the goals are
reported ("met" / "NOT met") but do not change the exit status.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE_GOAL_MS = 200.0
VERIFY_GOAL_S = 10.0
# CPU time of each request by address: on a busy machine, wall time swings with load.
CPU_MS: dict[str, list[float]] = {}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ideas", type=int, default=200, help="ideas (proposals) in the forum (200)")
    p.add_argument("--comments", type=int, default=5000, help="comments on them (5000)")
    p.add_argument("--busy", type=int, default=1000, help="of which on the busiest idea (1000)")
    p.add_argument("--decisions", type=int, default=1000, help="decisions in the log (1000)")
    p.add_argument(
        "--per-meeting", type=int, default=20, help="decisions recorded at each meeting (20)"
    )
    p.add_argument("--events", type=int, default=100_000, help="audit events in all (100000)")
    p.add_argument("--repeat", type=int, default=20, help="times each page is opened (20)")
    p.add_argument(
        "--export-repeat", type=int, default=3, help="times each export is read (3; 0: none)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (the SQLite file)")
    p.add_argument(
        "--db",
        type=Path,
        help="use this SQLite file: seeded if it does not exist, else reused as it is",
    )
    p.add_argument(
        "--root", type=Path, default=ROOT, help="the coprod checkout to measure (this one)"
    )
    p.add_argument("--only", default="", help="time only pages whose name contains this")
    return p.parse_args(argv)


def setup_django(tmp: Path, db: Path, root: Path) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "CHANNEL_PREFIX"):
        os.environ.pop(name, None)
    os.environ["SQLITE_PATH"] = str(db)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["DJANGO_SETTINGS_MODULE"] = "coprod.settings"
    sys.path.insert(0, str(root))
    os.chdir(root)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


class Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what}: {now - self.start:.1f} s", flush=True)
        self.start = now


# -- seeding ----------------------------------------------------------------------------


def seed(args: argparse.Namespace) -> dict[str, Any]:  # noqa: PLR0915 (one recipe, in order)
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from deliberation import audit, markdown
    from deliberation.models import Comment, Forum, Member, Poll, Role
    from deliberation.services import actions as action_services
    from deliberation.services import ballots as ballot_services
    from deliberation.services import comments as comment_services
    from deliberation.services import decisions as decision_services
    from deliberation.services import forum_polls as forum_poll_services
    from deliberation.services import forums as forum_services
    from deliberation.services import meetings as meeting_services
    from deliberation.services import polls as poll_services
    from deliberation.services import proposals as proposal_services
    from deliberation.services import summaries as summary_services
    from deliberation.services.common import actor_label

    rng = random.Random(12)
    clock = Clock()
    print("Seeding:", flush=True)
    forum = forum_services.forum_create(name="Large Partnership Board", slug="large")
    account = get_user_model().objects.create_user(
        username="facilitator", password="a-long-bench-password", is_staff=True
    )
    lead = forum_services.member_add(
        forum=forum, name="Fay Facilitator", constituency="staff",
        role=Role.FACILITATOR, user=account,
    )  # fmt: skip
    people: list[Member] = []
    for constituency in ("lived_experience", "staff", "commissioner"):
        for n in range(20):
            people.append(
                forum_services.member_add(
                    forum=forum, name=f"{constituency.title()} {n}", constituency=constituency
                )
            )
    member = people[0]
    commissioner = next(p for p in people if p.constituency == "commissioner")
    clock.lap(f"{len(people) + 1} members")

    ideas = [
        proposal_services.proposal_create(
            forum=forum,
            author=rng.choice(people),
            title=f"Idea {n}: more buses in the evening",
            summary="We want later buses. Then we can go out.",
            symbol=rng.choice(["idea", "home", "food", "transport"]),
            body=f"Idea {n}. Some **more** words about buses and day centres.",
        )
        for n in range(args.ideas)
    ]
    busy = ideas[0]
    clock.lap(f"{len(ideas)} ideas (proposal_create)")

    # Comments: a few hundred through comment_add (replies, edits and hiding among them),
    # the rest in bulk, each with its comment.added event built as comment_add builds it.
    through_service = min(300, args.comments)
    for n in range(through_service):
        proposal = busy if n % 2 else rng.choice(ideas)
        comment_services.comment_add(
            proposal=proposal, author=rng.choice(people), body=f"Comment {n}: I agree."
        )
    busy_tops = list(Comment.objects.filter(proposal=busy, parent=None)[:50])
    bulk = args.comments - through_service
    on_busy = max(0, args.busy - through_service // 2)
    body_html = {}
    made = 0
    while made < bulk:
        rows = []
        for n in range(made, min(bulk, made + 500)):
            on = busy if n < on_busy else rng.choice(ideas)
            parent = rng.choice(busy_tops) if on is busy and busy_tops and n % 3 == 0 else None
            body = f"Comment {n}: yes, **buses** after 6 pm please."
            body_html[n] = str(markdown.render(body))
            rows.append(
                Comment(
                    proposal=on, parent=parent, author=rng.choice(people),
                    body=body, body_html=body_html[n],
                )
            )  # fmt: skip
        with transaction.atomic():
            Comment.objects.bulk_create(rows)
            entries = [
                (
                    actor_label(c.author),
                    "comment.added",
                    {
                        "proposal": c.proposal_id,
                        "comment": c.pk,
                        "parent": c.parent_id,
                        "author": c.author_id,
                        "body": audit.Private(
                            c.body, member_id=c.author_id, subject=f"comment:{c.pk}"
                        ),
                        **audit.binding(c),
                    },
                )
                for c in rows
            ]
            audit.append_many(forum_id=forum.pk, entries=entries)
        made += len(rows)
    hidden = Comment.objects.filter(proposal=busy).order_by("pk")[5]
    comment_services.comment_hide(comment=hidden, by=lead, reason="Bench: hidden")
    clock.lap(f"{args.comments} comments ({through_service} by comment_add, one hidden)")

    # Meetings with their decisions (a long meeting: --per-meeting), the last ten with
    # everyone present and ten votes each (named and secret), and actions.
    meetings = []
    per_meeting = max(1, args.per_meeting)
    count = -(-args.decisions // per_meeting)
    decisions = []
    polls_made = 0
    for m in range(count):
        voting = m >= count - 10
        meeting = meeting_services.meeting_create(
            forum=forum, title=f"Board meeting {m + 1}", agenda=["Welcome", "Buses", "Jobs"]
        )
        meeting = meeting_services.meeting_open(meeting=meeting)
        for person in people if voting else []:
            meeting_services.attendance_join(
                meeting=meeting, member=person, via="invite", device_token=uuid.uuid4().hex
            )
        meetings.append(meeting)
        for d in range(min(per_meeting, args.decisions - len(decisions))):
            poll = None
            if voting and d < 10:
                poll = poll_services.poll_create(
                    forum=forum, meeting=meeting, question=f"Vote {m}.{d}: later buses?",
                    method="traffic_light" if d % 2 else "yes_no",
                    options=[], secret=d % 3 == 0, results_shown="live",
                )  # fmt: skip
                poll = poll_services.poll_open(poll=poll)
                choices = ["agree", "unsure", "disagree"] if d % 2 else ["yes", "no"]
                requests = [
                    ballot_services.BallotRequest(
                        answer={"choice": rng.choice(choices)},
                        client_id=uuid.uuid4(),
                        voter=person,
                        secret_token=uuid.uuid4().hex if poll.secret else None,
                    )
                    for person in people
                ]
                ballot_services.ballots_cast(poll_id=poll.pk, requests=requests)
                poll_services.poll_close(poll=poll)
                poll.refresh_from_db()
                polls_made += 1
            decision = decision_services.decision_record(
                meeting=meeting,
                poll=poll,
                outcome=f"Decision {m}.{d}: we will ask for later buses.",
                outcome_easy_read="We want later buses.",
                recorded_by=lead,
            )
            decisions.append(decision)
            if d % 5 == 0:
                action = action_services.action_create(
                    decision=decision,
                    description="Ask the bus company for a later bus.",
                    due_on=datetime.date.today() + datetime.timedelta(days=rng.randint(-20, 40)),
                    owner=rng.choice(people),
                )
                if d % 10 == 0:
                    action_services.action_progress_add(
                        action=action, note="We wrote to them.", status="in_progress"
                    )
        if m < count - 1:
            meeting_services.meeting_close(meeting=meeting)
    clock.lap(f"{count} meetings, {polls_made} polls with ballots, {len(decisions)} decisions")

    # Votes between meetings: named and secret, open and closed.
    now = timezone.now()
    forum_polls = []
    for n in range(12):
        fp = forum_poll_services.forum_poll_create(
            forum=forum, by=lead, opens_at=now - datetime.timedelta(minutes=1),
            closes_at=now + datetime.timedelta(days=7), question=f"Between meetings {n}?",
            method="yes_no", secret=n % 2 == 0,
            results_shown="live" if n % 3 else "closed",
        )  # fmt: skip
        requests = [
            ballot_services.BallotRequest(
                answer={"choice": rng.choice(["yes", "no"])},
                client_id=uuid.uuid4(),
                voter=person,
                cast_by=person,
                secret_token=uuid.uuid4().hex if fp.secret else None,
            )  # fmt: skip
            for person in people
        ]
        ballot_services.ballots_cast(poll_id=fp.pk, requests=requests)
        if n < 8:
            poll_services.poll_close(poll=Poll.objects.get(pk=fp.pk))
        forum_polls.append(fp)
    clock.lap(f"{len(forum_polls)} votes between meetings, {len(people)} ballots each")

    summary = summary_services.summary_build(meeting=meetings[-2])
    clock.lap("a summary built")

    # The rest of the chain: events with nothing beside them, appended in big batches
    # through audit.append_many, the one function that writes the chain.
    have = Forum.objects.get(pk=forum.pk).audit_seq
    filler = max(0, args.events - have)
    done = 0
    while done < filler:
        batch = min(5000, filler - done)
        with transaction.atomic():
            audit.append_many(
                forum_id=forum.pk,
                entries=[
                    ("system", "bench.filler", {"n": done + i, "note": "load test"})
                    for i in range(batch)
                ],
            )
        done += batch
    total = Forum.objects.get(pk=forum.pk).audit_seq
    clock.lap(f"{filler} filler events (chain: {total} events)")
    return {
        "forum": forum,
        "account": account,
        "lead": lead,
        "member": member,
        "commissioner": commissioner,
        "busy": busy,
        "quiet": ideas[-1],
        "meetings": meetings,
        "decision_with_poll": decisions[0],
        "decision_plain": decisions[-1],
        "forum_poll": forum_polls[1],
        "summary": summary,
        "events": total,
    }


# -- timing -----------------------------------------------------------------------------


def member_client(member: Any) -> Any:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    url = reverse("deliberation:invite", args=[member.invite_token])
    client.get(url)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    client.post(url, {"next": "proposals", "csrfmiddlewaretoken": token})
    return client


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_page(client: Any, url: str, repeat: int) -> tuple[list[float], int, int, float]:
    """Open a page `repeat` times; return times (ms), status, bytes and first-byte ms."""
    times = []
    cpu = []
    status = 0
    size = 0
    first = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        started = time.process_time()
        response = client.get(url)
        if response.streaming:
            chunks = iter(response.streaming_content)
            head = next(chunks, b"")
            first = (time.perf_counter() - start) * 1000
            size = len(head) + sum(len(c) for c in chunks)
        else:
            size = len(response.content)
            first = (time.perf_counter() - start) * 1000
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - started) * 1000)
        status = response.status_code
    CPU_MS[url] = cpu
    return times, status, size, first


def lookup() -> dict[str, Any]:
    """Find the seeded forum's pages' subjects again in a database seeded before."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from deliberation.models import Decision, Forum, Meeting, Poll, Proposal, Summary

    forum = Forum.objects.get(slug="large")
    ideas = Proposal.objects.filter(forum=forum).annotate(n=Count("comments"))
    members = forum.members.filter(role="participant").order_by("pk")
    decisions = Decision.objects.filter(forum=forum).order_by("pk")
    return {
        "forum": forum,
        "account": get_user_model().objects.get(username="facilitator"),
        "member": members.first(),
        "commissioner": members.filter(constituency="commissioner").first(),
        "busy": ideas.order_by("-n").first(),
        "quiet": ideas.order_by("n", "pk").first(),
        "meetings": list(Meeting.objects.filter(forum=forum).order_by("pk")),
        "decision_with_poll": decisions.filter(poll__isnull=False).first(),
        "decision_plain": decisions.filter(poll__isnull=True).last(),
        "forum_poll": Poll.objects.filter(forum=forum, meeting=None).order_by("pk")[1],
        "summary": Summary.objects.filter(forum=forum).first(),
        "events": forum.audit_seq,
    }


def run(args: argparse.Namespace, fresh: bool) -> int:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    if fresh:
        seed(args)
    data = lookup()
    forum = data["forum"]
    slug = forum.slug
    facilitator = Client()
    facilitator.force_login(data["account"])
    member = member_client(data["member"])
    commissioner = member_client(data["commissioner"])
    meeting = data["meetings"][0]

    def url(name: str, *rest: Any, query: str = "") -> str:
        return reverse(f"deliberation:{name}", args=[slug, *rest]) + (f"?{query}" if query else "")

    busy_comments = data["busy"].comments.count()
    pages: list[tuple[str, str, Any]] = [
        ("member", "ideas list", url("proposals")),
        ("member", "ideas list, page 5", url("proposals", query="page=5")),
        (
            "member",
            f"busy idea ({busy_comments} comments)",
            url("proposal", data["busy"].pk),
        ),
        ("member", "quiet idea", url("proposal", data["quiet"].pk)),
        ("member", "votes between meetings", url("forum_polls")),
        ("member", "a vote between meetings", url("forum_poll", data["forum_poll"].pk)),
        ("member", "decision log", url("decision_log")),
        ("member", "decision log, page 10", url("decision_log", query="page=10")),
        ("member", "decision log, one meeting", url("decision_log", query=f"meeting={meeting.pk}")),
        ("member", "decision log, status open", url("decision_log", query="status=open")),
        ("member", "decision with a vote", url("decision", data["decision_with_poll"].pk)),
        ("member", "decision, no vote", url("decision", data["decision_plain"].pk)),
        ("commissioner", "ideas list", url("proposals")),
        ("commissioner", "decision log", url("decision_log")),
        ("commissioner", "busy idea", url("proposal", data["busy"].pk)),
        ("facilitator", "forum page", url("forum")),
        ("facilitator", "console (last meeting)", url("console", data["meetings"][-1].pk)),
        ("facilitator", "ideas list", url("proposals")),
        ("facilitator", "busy idea", url("proposal", data["busy"].pk)),
        ("facilitator", "decision log", url("decision_log")),
        ("facilitator", "summary review", url("summary_review", data["summary"].meeting_id)),
    ]
    exports: list[tuple[str, str, Any]] = [
        ("member", "decisions.csv", url("decisions_csv")),
        ("member", "decisions.json", url("decisions_json")),
        ("member", "audit.jsonl", url("audit_jsonl")),
    ]
    for name, label in (
        ("ideas_csv", "ideas.csv"),
        ("ideas_json", "ideas.json"),
        ("comments_csv", "comments.csv"),
        ("comments_json", "comments.json"),
        ("votes_csv", "votes.csv"),
        ("votes_json", "votes.json"),
    ):
        try:
            exports.append(("member", label, url(name)))
        except Exception:  # noqa: BLE001 (an export this version does not have)
            pass
    clients = {"member": member, "commissioner": commissioner, "facilitator": facilitator}
    failed = 0
    print(f"\nPages (Django test client, {args.repeat} times each; goal p95 <= 200 ms):")
    print(
        f"  {'who':<13} {'page':<38} {'status':>6} {'p50 ms':>8} {'p95 ms':>8}  "
        f"{'CPU p50':>8} {'CPU p95':>8}  goal (p95)"
    )
    worst = 0.0
    pages = [p for p in pages if args.only in f"{p[0]} {p[1]}"]
    exports = [p for p in exports if args.only in f"export {p[1]}" and args.export_repeat]
    for who, label, address in pages:
        client = clients[who]
        time_page(client, address, 1)  # warm up
        times, status, _size, _first = time_page(client, address, args.repeat)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        worst = max(worst, p95)
        failed += status != 200
        verdict = "met" if p95 <= PAGE_GOAL_MS else "NOT met"
        cpu = CPU_MS[address]
        print(
            f"  {who:<13} {label:<38} {status:>6} {p50:>8.1f} {p95:>8.1f}  "
            f"{statistics.median(cpu):>8.1f} {percentile(cpu, 0.95):>8.1f}  {verdict}"
        )
    print(f"\nExports ({args.export_repeat} times each): first byte and whole download")
    print(f"  {'export':<20} {'status':>6} {'streamed':>8} {'MB':>7} {'first ms':>9} {'p50 ms':>8}")
    for who, label, address in exports:
        client = clients[who]
        response = client.get(address)
        streamed = response.streaming
        times, status, size, first = time_page(client, address, args.export_repeat)
        failed += status != 200
        print(
            f"  {label:<20} {status:>6} {'yes' if streamed else 'no':>8} {size / 1e6:>7.2f} "
            f"{first:>9.1f} {statistics.median(times):>8.1f}"
        )
    if args.only and args.only not in "verify_audit":
        return 1 if failed else 0
    print(f"\nverify_audit over {data['events']} events (goal <= {VERIFY_GOAL_S:.0f} s):")
    out = StringIO()
    start = time.perf_counter()
    cpu_start = time.process_time()
    try:
        call_command("verify_audit", stdout=out, stderr=out)
        ok = True
    except Exception as exc:  # noqa: BLE001 (the report names what broke)
        out.write(str(exc))
        ok = False
    took = time.perf_counter() - start
    cpu_took = time.process_time() - cpu_start
    verdict = "met" if took <= VERIFY_GOAL_S else "NOT met"
    print(f"  {took:.2f} s ({cpu_took:.2f} s of CPU)  {verdict}  {out.getvalue().strip()}")
    worst_ok = worst <= PAGE_GOAL_MS
    print(
        f"\ntarget (every page p95 <= 200 ms, verify_audit <= 10 s): "
        f"{'met' if worst_ok and took <= VERIFY_GOAL_S else 'NOT met'} "
        f"(worst page p95 {worst:.0f} ms)"
    )
    return 0 if ok and not failed else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="coprod-large-"))
    db = args.db.resolve() if args.db else tmp / "large.sqlite3"
    fresh = not db.exists()
    setup_django(tmp, db, args.root.resolve())
    try:
        code = run(args, fresh)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
