"""Seed a demo forum: members, an open meeting with a poll of every method, and last time's
meeting with its decisions, actions and what happened since."""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coprod.room import ALL_INTERFACES
from deliberation.models import Forum, Meeting, Member, Role, Summary
from deliberation.services import actions as action_services
from deliberation.services import agenda as agenda_services
from deliberation.services import ballots as ballot_services
from deliberation.services import comments as comment_services
from deliberation.services import decisions as decision_services
from deliberation.services import forums as forum_services
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from deliberation.services import proposals as proposal_services
from deliberation.services import summaries as summary_services
from deliberation.services.polls import OptionInput

DEMO_SLUG = "riverside"
DEMO_USER = "facilitator"
DEMO_PASSWORD = "coprod-demo"  # noqa: S105 - printed for the local demo only

PEOPLE = [
    ("Amira Khan", "lived_experience", Role.PARTICIPANT, ["easy_read"]),
    ("Ben Price", "lived_experience", Role.PARTICIPANT, ["easy_read", "audio"]),
    ("Carys Morgan", "lived_experience", Role.PARTICIPANT, ["easy_read", "welsh"]),
    ("Dev Patel", "lived_experience", Role.PARTICIPANT, ["large_print"]),
    ("Ellen Hughes", "staff", Role.SUPPORTER, []),
    ("Femi Adeyemi", "staff", Role.PARTICIPANT, []),
    ("Gwen Lloyd", "staff", Role.PARTICIPANT, ["interpreter"]),
    ("Hari Singh", "commissioner", Role.PARTICIPANT, []),
    ("Iris Taylor", "commissioner", Role.PARTICIPANT, []),
    ("Jon Evans", "commissioner", Role.OBSERVER, []),
]

# How each demo member gets the easy-read summary (NHS Accessible Information Standard):
# extra needs, email address, postal address, and days until their needs are checked
# again (negative: overdue, so the forum page flags it). Iris has an email address for
# proposal emails but has not said yes to summaries by email: the send page says so.
CONTACTS: dict[str, tuple[list[str], str, str, int]] = {
    "Amira Khan": (["email"], "amira@example.org", "", 180),
    "Ben Price": (["paper"], "", "Flat 2, 14 Mill Street\nRiverside\nRV1 2AB", -7),
    "Carys Morgan": (["email"], "carys@example.org", "", 90),
    "Dev Patel": ([], "", "3 Oak Road\nRiverside\nRV2 5CD", 120),
    "Ellen Hughes": (["email"], "ellen@example.org", "", 365),
    "Femi Adeyemi": (["email"], "femi@example.org", "", 365),
    "Gwen Lloyd": (["paper", "welsh"], "", "Tŷ Gwyn, Heol y Bont\nRiverside\nRV3 7EF", 60),
    "Hari Singh": (["email"], "hari@example.org", "", 365),
    "Iris Taylor": ([], "iris@example.org", "", 365),
    "Jon Evans": (["email"], "jon@example.org", "", 365),
}

AGENDA = [
    "Welcome and how we work together",
    "Day services: what matters to you",
    "Getting about: buses and taxis",
    "What happens next",
]


def _local_url() -> str:
    """Return the address this computer opens the app at, from the HOST and PORT settings."""
    if settings.ROOM_URL and settings.HOST not in ALL_INTERFACES:
        return str(settings.ROOM_URL)  # served on that one address only
    return f"http://127.0.0.1:{settings.PORT}"


@dataclass(frozen=True)
class DemoPoll:
    """One poll of the demo meeting, on agenda item `item`."""

    item: int
    method: str
    question: str
    options: tuple[str, ...] = ()
    # Each option's symbol (display.SYMBOLS), shown beside its words on the phone.
    symbols: tuple[str, ...] = ()
    dots: int = 0
    secret: bool = False
    lived_experience_consent: bool = False


POLLS = [
    DemoPoll(1, "traffic_light", "Should day centres open on Saturdays?"),
    DemoPoll(
        1,
        "dots",
        "Where should the money go first? You have 3 dots.",
        options=(
            "More day centre places",
            "Better buses",
            "Help to find a job",
            "Clubs in the evening",
        ),
        symbols=("home", "transport", "work", "friends"),
        dots=3,
    ),
    DemoPoll(
        1,
        "score",
        "How good is each idea? 0 is bad, 5 is great.",
        options=("Cooking club", "Gardening group", "Music night"),
        symbols=("food", "place", "people"),
    ),
    DemoPoll(2, "yes_no", "Should taxis be free for day centre trips?", secret=True),
    DemoPoll(
        2,
        "ranked",
        "Put these in order: what matters most?",
        options=("Buses on time", "Friendly drivers", "Cheap tickets", "Help at the stop"),
        symbols=("date", "friends", "money", "hand"),
    ),
    DemoPoll(
        3,
        "consent",
        "We will meet every 2 months. Can you live with that?",
        lived_experience_consent=True,
    ),
]


PROPOSALS = [
    (
        "Amira Khan",
        "Buses after 6 in the evening",
        "The last bus goes at 6. We want to go to clubs in the evening.",
        "transport",
        "Many of us **cannot get home** after evening clubs.\n\n"
        "- The number 12 stops at 6pm\n- Taxis cost too much",
    ),
    (
        "Femi Adeyemi",
        "A cafe at the day centre",
        "People could work in a cafe at the centre. They would learn skills and earn money.",
        "food",
        "Other centres run a cafe with people who use the service. It helps people *find jobs*.",
    ),
    (
        "Hari Singh",
        "Easy-read letters from the council",
        "Letters from the council are hard to read. We want easy-read letters.",
        "speaker",
        "",
    ),
]

COMMENTS = [
    (
        "Buses after 6 in the evening",
        "Ben Price",
        "Yes! I miss the music night because of the bus.",
        "Iris Taylor",
        "Thank you. I will ask the bus company about the number 12.",
    ),
    (
        "A cafe at the day centre",
        "Carys Morgan",
        "I would like to work in the cafe.",
        "",
        "",
    ),
]

ENDORSEMENTS = {
    "Buses after 6 in the evening": ["Ben Price", "Carys Morgan", "Gwen Lloyd"],
    "A cafe at the day centre": ["Amira Khan", "Dev Patel", "Gwen Lloyd", "Iris Taylor"],
    "Easy-read letters from the council": ["Amira Khan", "Ben Price"],
}


# How people voted last time on the bus stop (the demo's earlier meeting).
VOTES_LAST_TIME = {
    "Amira Khan": "agree",
    "Ben Price": "agree",
    "Carys Morgan": "agree",
    "Dev Patel": "not_sure",
    "Femi Adeyemi": "agree",
    "Gwen Lloyd": "agree",
    "Hari Singh": "agree",
    "Iris Taylor": "not_sure",
}


# The Welsh of the words people wrote in last time's record (a reviewer's translation).
DEMO_WELSH = {
    "Getting about: buses and taxis": "Mynd o gwmpas: bysiau a thacsis",
    "Should we ask for a bus stop outside the day centre?": (
        "Ddylen ni ofyn am arhosfan bws y tu allan i'r ganolfan ddydd?"
    ),
    "We want a bus stop next to the day centre.": (
        "Rydyn ni eisiau arhosfan bws wrth ymyl y ganolfan ddydd."
    ),
    "Put the bus times in easy read on the notice board.": (
        "Rhoi amserau'r bysiau mewn iaith hawdd ar yr hysbysfwrdd."
    ),
    "Ask the council for a bus stop next to the day centre.": (
        "Gofyn i'r cyngor am arhosfan bws wrth ymyl y ganolfan ddydd."
    ),
    "When we meet": "Pryd rydyn ni'n cyfarfod",
    "Meetings start at 11 o'clock.": "Mae cyfarfodydd yn dechrau am 11 o'r gloch.",
    "Book the hall from 11 o'clock for next year.": (
        "Archebu'r neuadd o 11 o'r gloch ar gyfer y flwyddyn nesaf."
    ),
}


class Command(BaseCommand):
    help = "Create the demo forum (running it again changes nothing) and print its URLs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default="",
            help="the address this computer opens (default: from the HOST and PORT settings)",
        )

    def handle(self, *args: str, host: str, **options: object) -> None:
        forum = Forum.objects.filter(slug=DEMO_SLUG).first()
        if forum is None:
            with transaction.atomic():
                forum = self._create()
            self.stdout.write(self.style.SUCCESS("Demo forum created."))
        else:
            self.stdout.write("Demo forum already there: nothing changed.")
        if not forum.proposals.exists():
            with transaction.atomic():
                self._seed_proposals(forum)
            self.stdout.write(self.style.SUCCESS("Demo ideas between meetings added."))
        if not forum.decisions.exists():
            with transaction.atomic():
                self._seed_record(forum)
            self.stdout.write(self.style.SUCCESS("Demo decisions and actions added."))
        if not forum.members.exclude(postal_address="").exists():
            with transaction.atomic():
                self._seed_contacts(forum)
            self.stdout.write(self.style.SUCCESS("Demo email and postal addresses added."))
        last_time = forum.meetings.filter(status=Meeting.Status.CLOSED).first()
        if last_time is not None and not Summary.objects.filter(meeting=last_time).exists():
            summary = summary_services.summary_build(meeting=last_time, actor="seed_demo")
            self._translate_summary(summary)
            self.stdout.write(self.style.SUCCESS("Demo easy-read summary built (not signed off)."))
        self._print_urls(forum, (host or _local_url()).rstrip("/"))

    def _print_room(self, meeting: Meeting) -> None:
        """Say where phones on the room's wifi join, in room mode (README)."""
        write = self.stdout.write
        join = reverse("deliberation:join_meeting", args=[meeting.join_code])
        if settings.ROOM_URL:
            write(self.style.SUCCESS(f"  Phones on this wifi: {settings.ROOM_URL}{join}"))
            write("      (the projector shows this address and its QR code; plain HTTP,")
            write("      for a trusted wifi only: README, real phones on a wifi network)")
        elif settings.HOST in ALL_INTERFACES:
            write(
                self.style.WARNING(
                    "  No network address found: is this computer on the wifi? "
                    "Phones cannot join until it is."
                )
            )

    def _translate_summary(self, summary: Summary) -> None:
        """Put the Welsh of the words people wrote into the demo summary, as a reviewer would."""
        for point in summary.points.filter(welsh_status="needs_check").order_by("position"):
            welsh = point.text_cy
            for english, cymraeg in DEMO_WELSH.items():
                welsh = welsh.replace(english, cymraeg)
            if welsh != point.text_cy:
                summary_services.summary_point_update(
                    point=point,
                    text=point.text,
                    text_cy=welsh,
                    symbol=point.symbol,
                    kind=point.kind,
                    actor="seed_demo",
                )

    def _seed_contacts(self, forum: Forum) -> None:
        """Give demo members ways to get the summary: email, paper, Welsh, large print."""
        today = timezone.localdate()
        for member in forum.members.filter(name__in=CONTACTS).prefetch_related("supports"):
            extra, email, address, days = CONTACTS[member.name]
            forum_services.member_update(
                member=member,
                name=member.name,
                constituency=member.constituency,
                role=member.role,
                communication_needs=[*member.communication_needs, *extra],
                supports=list(member.supports.all()),
                is_active=member.is_active,
                contact=forum_services.MemberContact(
                    email=email,
                    postal_address=address,
                    needs_review_on=today + datetime.timedelta(days=days),
                ),
                actor="seed_demo",
            )

    def _create(self) -> Forum:
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USER).first()
        if user is None:
            user = user_model.objects.create_user(
                username=DEMO_USER,
                password=DEMO_PASSWORD,
                is_staff=True,
                first_name="Sam",
                last_name="Facilitator",
            )
        forum = forum_services.forum_create(
            name="Riverside Learning Disability Partnership Board",
            slug=DEMO_SLUG,
            description="People with learning disabilities, staff and the council "
            "decide together what matters.",
            actor=user,
        )
        members: dict[str, Member] = {}
        for name, constituency, role, needs in PEOPLE:
            members[name] = forum_services.member_add(
                forum=forum,
                name=name,
                constituency=constituency,
                role=role,
                communication_needs=needs,
                actor=user,
                supports=[members["Ben Price"]] if role == Role.SUPPORTER else [],
            )
        meeting = meeting_services.meeting_create(
            forum=forum,
            title="Partnership Board: November",
            place="Riverside Hall",
            agenda=AGENDA,
            actor=user,
        )
        items = list(meeting.agenda.order_by("position"))
        for spec in POLLS:
            poll_services.poll_create(
                forum=forum,
                meeting=meeting,
                agenda_item=items[spec.item],
                question=spec.question,
                method=spec.method,
                options=[
                    OptionInput(label, symbol)
                    for label, symbol in zip(spec.options, spec.symbols, strict=True)
                ],
                dots=spec.dots,
                secret=spec.secret,
                lived_experience_consent=spec.lived_experience_consent,
                actor=user,
            )
        meeting_services.meeting_open(meeting=meeting, actor=user)
        return forum

    def _seed_proposals(self, forum: Forum) -> None:
        """Add a few ideas between meetings, with comments and support (once only)."""
        people = {m.name: m for m in forum.members.all()}
        lead = forum.members.filter(role=Role.FACILITATOR).first()
        made = {}
        for author, title, summary, symbol, body in PROPOSALS:
            made[title] = proposal_services.proposal_create(
                forum=forum,
                author=people[author],
                title=title,
                summary=summary,
                symbol=symbol,
                body=body,
            )
        for title, author, text, reply_author, reply in COMMENTS:
            comment = comment_services.comment_add(
                proposal=made[title], author=people[author], body=text
            )
            if reply_author:
                comment_services.comment_add(
                    proposal=made[title], author=people[reply_author], body=reply, parent=comment
                )
        for title, names in ENDORSEMENTS.items():
            for name in names:
                proposal_services.proposal_endorse(proposal=made[title], member=people[name])
        if lead is not None:
            proposal_services.proposal_status_change(
                proposal=made["A cafe at the day centre"],
                to="shortlisted",
                reason="Many people from every group support it.",
                by=lead,
            )

    def _seed_record(self, forum: Forum) -> None:
        """Add last time's meeting: a vote, its decision, actions and what happened (once)."""
        user = get_user_model().objects.get(username=DEMO_USER)
        lead = forum.members.get(user=user)
        people = {m.name: m for m in forum.members.all()}
        today = timezone.localdate()
        meeting = meeting_services.meeting_create(
            forum=forum,
            title="Partnership Board: September",
            starts_at=timezone.now() - datetime.timedelta(days=70),
            place="Riverside Hall",
            agenda=["Getting about: buses and taxis", "When we meet"],
            actor=user,
        )
        meeting_services.meeting_open(meeting=meeting, actor=user)
        for member in people.values():
            meeting_services.attendance_join(
                meeting=meeting, member=member, via="facilitator", device_token="", actor=user
            )
        items = list(meeting.agenda.order_by("position"))
        poll = poll_services.poll_create(
            forum=forum,
            meeting=meeting,
            agenda_item=items[0],
            question="Should we ask for a bus stop outside the day centre?",
            method="traffic_light",
            actor=user,
        )
        poll_services.poll_open(poll=poll, actor=user)
        for name, choice in VOTES_LAST_TIME.items():
            ballot_services.ballot_cast(
                poll=poll, answer={"choice": choice}, client_id=uuid.uuid4(), voter=people[name]
            )
        poll = poll_services.poll_close(poll=poll, actor=user)
        bus_stop = decision_services.decision_record(
            meeting=meeting,
            poll=poll,
            outcome="We ask the council's transport team for a bus stop outside the day centre.",
            outcome_easy_read="We want a bus stop next to the day centre.",
            rationale="Walking from the main road is not safe in the dark.",
            recorded_by=lead,
            actor=user,
        )
        ask = action_services.action_create(
            decision=bus_stop,
            description="Ask the council for a bus stop next to the day centre.",
            owner=people["Hari Singh"],
            due_on=today - datetime.timedelta(days=10),
            created_by=lead,
            actor=user,
        )
        action_services.action_progress_add(
            action=ask,
            note="I met the transport team. They will look at the road in the spring.",
            status="in_progress",
            what_helped="Amira's photos of the dark path.",
            what_got_in_the_way="The road belongs to the county council, not the city.",
            author=people["Hari Singh"],
            actor=people["Hari Singh"],
        )
        times = action_services.action_create(
            decision=bus_stop,
            description="Put the bus times in easy read on the notice board.",
            owner=people["Ellen Hughes"],
            due_on=today - datetime.timedelta(days=30),
            created_by=lead,
            actor=user,
        )
        action_services.action_progress_add(
            action=times,
            note="The easy-read bus times are on the board by the door.",
            status="done",
            what_helped="Ben checked the words with us.",
            author=people["Ellen Hughes"],
            actor=people["Ellen Hughes"],
        )
        agenda_services.agenda_move(meeting=meeting, item=items[1], actor=user)
        later = decision_services.decision_record(
            meeting=meeting,
            outcome="Meetings start at 11 in the morning instead of 10.",
            outcome_easy_read="Meetings start at 11 o'clock.",
            rationale="Some people need more time to travel in the morning.",
            recorded_by=lead,
            actor=user,
        )
        action_services.action_create(
            decision=later,
            description="Book the hall from 11 o'clock for next year.",
            owner_name="Riverside Hall office",
            due_on=today + datetime.timedelta(days=30),
            created_by=lead,
            actor=user,
        )
        meeting_services.meeting_close(meeting=meeting, actor=user)

    def _print_urls(self, forum: Forum, host: str) -> None:
        meeting = forum.meetings.filter(status=Meeting.Status.OPEN).first()
        write = self.stdout.write
        write("")
        write(self.style.MIGRATE_HEADING("coprod demo is ready"))
        write(f"  Facilitator login:  {host}{reverse('login')}")
        write(f"      username {DEMO_USER}, password {DEMO_PASSWORD}")
        if meeting is None:
            write("  (the demo meeting has been closed)")
            return
        console = reverse("deliberation:console", args=[forum.slug, meeting.pk])
        write(f"  Facilitator console: {host}{console}")
        projector = reverse("deliberation:projector", args=[meeting.projector_token])
        write(f"  Projector:           {host}{projector}")
        join = reverse("deliberation:join")
        phones = settings.ROOM_URL or host
        write(f"  Phones join at:      {phones}{join}  with code {meeting.join_code}")
        self._print_room(meeting)
        first = forum.members.filter(role=Role.PARTICIPANT, is_guest=False).first()
        if first is not None:
            invite = reverse("deliberation:invite", args=[first.invite_token])
            write(f"  Personal link ({first.name}): {host}{invite}")
            ideas = reverse("deliberation:proposals", args=[forum.slug])
            write(f"  Ideas between meetings: {host}{ideas}  (open a personal link first)")
        log = reverse("deliberation:decision_log", args=[forum.slug])
        write(f"  What we decided:     {host}{log}  (signed in, or after a personal link)")
        last_time = forum.meetings.filter(status=Meeting.Status.CLOSED).first()
        if last_time is not None:
            review = reverse("deliberation:summary_review", args=[forum.slug, last_time.pk])
            write(f"  Easy-read summary:   {host}{review}  (check, sign off, then send)")
        write("  Check the record:    .venv/bin/python manage.py verify_audit")
        write("")
