"""A join costs the same however many people are already here (issue 12: 1,000 phones)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation import display
from deliberation.models import Attendance, Member, Role
from tests import factories


def _crowd(forum, meeting, n):
    """n members already here (bulk rows: only setup)."""
    members = Member.objects.bulk_create(
        Member(forum=forum, name=f"Crowd {i:04d}", constituency="staff", role=Role.PARTICIPANT)
        for i in range(n)
    )
    members = list(Member.objects.filter(forum=forum, name__startswith="Crowd "))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, via="invite", device_token=f"d{m.pk}")
        for m in members
    )


def _join_queries(meeting, member):
    client = Client()
    url = reverse("deliberation:invite", args=[member.invite_token])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("deliberation:phone", args=[meeting.pk])
    return [q["sql"] for q in queries.captured_queries]


def test_a_join_reads_nobody_else_s_attendance(forum, meeting):
    _crowd(forum, meeting, 150)
    newcomer = factories.member(forum, "lived_experience", name="Newcomer")

    queries = _join_queries(meeting, newcomer)

    # Every read of the attendance table is of the newcomer's own row: the list of
    # everyone here is built after commit by the coalescer, not by each join.
    reads = [q for q in queries if 'FROM "deliberation_attendance"' in q]
    assert reads
    for sql in reads:
        assert f'"member_id" = {newcomer.pk}' in sql, sql


def test_a_join_runs_as_many_queries_with_150_here_as_with_none(forum, meeting):
    first = factories.member(forum, "lived_experience", name="First")
    alone = len(_join_queries(meeting, first))
    _crowd(forum, meeting, 150)
    later = factories.member(forum, "lived_experience", name="Later")
    assert len(_join_queries(meeting, later)) == alone


def test_the_live_config_is_built_once_per_language(settings):
    from django.utils import translation

    with translation.override("en"):
        english = display.live_config()
        assert display.live_config() is english
    with translation.override("cy"):
        welsh = display.live_config()
        assert display.live_config() is welsh
    assert welsh is not english
    assert welsh["strings"]["wait"] != english["strings"]["wait"]
    # The page carries it as a script built once per language too.
    with translation.override("cy"):
        assert display.live_config_script() is display.live_config_script()
        assert welsh["strings"]["wait"] in display.live_config_script()


def _phone_client(meeting, member):
    client = Client()
    response = client.post(reverse("deliberation:invite", args=[member.invite_token]))
    assert response.status_code == 302
    return client


def _phone_page(client, meeting):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("deliberation:phone", args=[meeting.pk]))
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def test_phones_share_the_meeting_part_of_their_page_but_not_their_own(forum, meeting):
    from deliberation.services.polls import poll_close

    poll = factories.poll(meeting, "yes_no", results_shown="closed")
    ann = factories.member(forum, "lived_experience", name="Ann")
    ben = factories.member(forum, "staff", name="Ben")
    ann_phone, ben_phone = _phone_client(meeting, ann), _phone_client(meeting, ben)
    factories.cast(poll, ann, {"choice": "yes"})

    ann_page, first = _phone_page(ann_phone, meeting)
    ben_page, second = _phone_page(ben_phone, meeting)

    # The second phone reuses the meeting's part (agenda, votes, options) built for the first.
    assert second < first
    # Each page still says who is on it and whether they voted.
    assert ann_page.context["me"]["name"] == "Ann"
    assert ben_page.context["me"]["name"] == "Ben"
    assert ann_page.context["voted"] is True
    assert ben_page.context["voted"] is False
    # A change that moves the meeting on shows at once, not a moment later.
    poll_close(poll=poll)
    page, _n = _phone_page(ben_phone, meeting)
    assert page.context["is_open"] is False
    assert page.context["snapshot"]["polls"][0]["status"] == "closed"


def test_a_phone_page_counts_no_ballots_while_the_results_are_hidden(forum, meeting):
    poll = factories.poll(meeting, "yes_no", results_shown="closed")
    ann = factories.member(forum, "lived_experience", name="Ann")
    phone = _phone_client(meeting, ann)
    for n in range(5):
        voter = factories.member(forum, "staff", name=f"Voter {n}")
        factories.join(meeting, voter)
        factories.cast(poll, voter, {"choice": "no"})
    with CaptureQueriesContext(connection) as queries:
        assert phone.get(reverse("deliberation:phone", args=[meeting.pk])).status_code == 200
    # Only the phone's own ballots are read, never everyone's to count them.
    for q in queries.captured_queries:
        if 'FROM "deliberation_ballot"' in q["sql"]:
            assert '"member_id" =' in q["sql"], q["sql"]


def test_opening_the_link_and_the_phone_page_write_nothing(forum, meeting):
    factories.poll(meeting, "yes_no")
    ann = factories.member(forum, "lived_experience", name="Ann")
    client = Client()
    link = reverse("deliberation:invite", args=[ann.invite_token])
    with CaptureQueriesContext(connection) as opened:
        assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    with CaptureQueriesContext(connection) as shown:
        assert client.get(reverse("deliberation:phone", args=[meeting.pk])).status_code == 200
    # No page view takes a write lock (the audit chain's, or SQLite's whole database).
    for q in opened.captured_queries + shown.captured_queries:
        sql = q["sql"].lstrip().upper()
        assert not sql.startswith(("INSERT", "UPDATE", "DELETE", "BEGIN")), sql
        assert "FOR UPDATE" not in sql, sql
