"""Ideas between meetings (issue 14): taking back support, telling a facilitator about a
comment, sorting, searching, earlier versions, and system words in the page's language.

Each runs on SQLite and, with DATABASE_URL, on PostgreSQL (search uses each one's own
full-text engine: FTS5 with porter stems, and tsvector with English and simple configs).
"""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from deliberation import audit
from deliberation.exceptions import AlreadyReported, NotAllowed, NotEndorsed
from deliberation.models import AuditEvent, CommentReport, Endorsement, ProposalRevision
from deliberation.selectors import proposals as selectors
from deliberation.services import comments as comment_services
from deliberation.services import proposals as services
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db


def proposal_url(proposal) -> str:
    return reverse("deliberation:proposal", args=[proposal.forum.slug, proposal.pk])


def action_url(proposal, action: str) -> str:
    return reverse("deliberation:proposal_action", args=[proposal.forum.slug, proposal.pk, action])


def list_url(forum, **params) -> str:
    from urllib.parse import urlencode

    url = reverse("deliberation:proposals", args=[forum.slug])
    return f"{url}?{urlencode(params)}" if params else url


# -- 1. taking back support -------------------------------------------------------------


def test_a_member_takes_back_support_the_count_drops_and_the_record_says_so(
    forum, cast, proposal, browser_for
):
    supporter = cast["supporter"]
    client = browser_for(supporter)
    client.post(action_url(proposal, "endorse"))
    page = client.get(proposal_url(proposal)).content.decode()
    assert "1 person supports this." in page
    # Without JavaScript: a plain form that posts to the action.
    assert f'action="{action_url(proposal, "unendorse")}"' in page

    response = client.post(action_url(proposal, "unendorse"))
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["You do not support this idea now. You can support it again at any time."]
    assert not Endorsement.objects.filter(proposal=proposal).exists()
    page = client.get(proposal_url(proposal)).content.decode()
    assert "0 people support this." in page
    assert "I support this" in page
    row = selectors.proposal_list(forum).get(pk=proposal.pk)
    assert row.support_staff == 0
    event = AuditEvent.objects.get(forum=forum, kind="proposal.unendorsed")
    assert event.payload["member"] == supporter.pk
    assert event.payload["constituency"] == "staff"
    forum.refresh_from_db()
    assert audit.verify_forum(forum) is None

    # Support can be given again.
    client.post(action_url(proposal, "endorse"))
    assert Endorsement.objects.filter(proposal=proposal, member=supporter).exists()


def test_taking_back_support_one_never_gave_is_refused_in_plain_words(cast, proposal):
    with pytest.raises(NotEndorsed, match="nothing to take back"):
        services.proposal_unendorse(proposal=proposal, member=cast["supporter"])


def test_taking_back_support_on_a_finished_idea_is_refused(forum, cast, proposal):
    services.proposal_endorse(proposal=proposal, member=cast["supporter"])
    services.proposal_withdraw(proposal=proposal, by=cast["participant"], reason="Done.")
    with pytest.raises(Exception, match="support stays"):
        services.proposal_unendorse(proposal=proposal, member=cast["supporter"])
    assert Endorsement.objects.filter(proposal=proposal).count() == 1


# -- 2. telling a facilitator about a comment -------------------------------------------


@pytest.fixture
def comment(proposal, cast):
    return comment_services.comment_add(
        proposal=proposal, author=cast["participant"], body="You are all silly."
    )


def report_url(comment) -> str:
    return reverse("deliberation:comment_report", args=[comment.proposal.forum.slug, comment.pk])


def test_a_member_tells_a_facilitator_who_hides_the_comment(forum, cast, comment, browser_for):
    member = browser_for(cast["supporter"])
    page = member.get(proposal_url(comment.proposal)).content.decode()
    assert report_url(comment) in page
    form = member.get(report_url(comment)).content.decode()
    assert "Other members will not see that you told." in form

    response = member.post(report_url(comment), {"reason": "It is unkind."})
    assert response.status_code == 302
    page = member.get(proposal_url(comment.proposal)).content.decode()
    assert "You told the facilitators about this." in page
    assert report_url(comment) not in page

    lead = browser_for(cast["facilitator"])
    reports = lead.get(reverse("deliberation:reports", args=[forum.slug])).content.decode()
    assert "You are all silly." in reports
    assert "It is unkind." in reports
    assert "1 person told you about it." in reports
    # The facilitators hide it from there, with the usual reason.
    lead.post(
        action_url(comment.proposal, "hide"), {"comment": comment.pk, "reason": "Unkind words."}
    )
    report = CommentReport.objects.get()
    assert report.outcome == "hidden"
    assert report.resolved_by == cast["facilitator"]
    reports = lead.get(reverse("deliberation:reports", args=[forum.slug])).content.decode()
    assert "Nothing to check." in reports


def test_a_facilitator_leaves_a_reported_comment_as_it_is(forum, cast, comment, browser_for):
    comment_services.comment_report(comment=comment, reporter=cast["supporter"])
    lead = browser_for(cast["facilitator"])
    response = lead.post(reverse("deliberation:report_dismiss", args=[forum.slug, comment.pk]))
    assert response.status_code == 302
    assert CommentReport.objects.get().outcome == "dismissed"
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert AuditEvent.objects.filter(forum=forum, kind="comment.report_dismissed").count() == 1


def test_one_report_per_member_per_comment_and_never_ones_own(cast, comment):
    comment_services.comment_report(comment=comment, reporter=cast["supporter"], reason="Rude")
    with pytest.raises(AlreadyReported):
        comment_services.comment_report(comment=comment, reporter=cast["supporter"])
    with pytest.raises(NotAllowed):
        comment_services.comment_report(comment=comment, reporter=cast["participant"])
    with pytest.raises(NotAllowed):
        comment_services.comment_report(comment=comment, reporter=cast["outsider"])
    assert CommentReport.objects.count() == 1


def test_only_facilitators_see_the_reports_page(forum, cast, browser_for):
    url = reverse("deliberation:reports", args=[forum.slug])
    assert browser_for(cast["participant"]).get(url).status_code == 403
    assert browser_for(cast["facilitator"]).get(url).status_code == 200


def test_who_told_is_not_in_the_record_members_read(forum, cast, comment, browser_for):
    comment_services.comment_report(comment=comment, reporter=cast["supporter"], reason="Rude")
    event = AuditEvent.objects.get(forum=forum, kind="comment.reported")
    assert "reporter" not in event.payload
    assert event.actor == "member"
    export = browser_for(cast["participant"]).get(
        reverse("deliberation:audit_jsonl", args=[forum.slug])
    )
    text = (
        b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    )
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    reported = [line for line in lines if line.get("kind") == "comment.reported"]
    assert reported
    assert "Sam" not in json.dumps(reported)
    assert "Rude" not in json.dumps(reported)
    forum.refresh_from_db()
    assert audit.verify_forum(forum) is None


def test_reports_are_throttled(cast, comment, proposal, browser_for):
    client = browser_for(cast["supporter"])
    comments = [
        comment_services.comment_add(proposal=proposal, author=cast["participant"], body=f"N{i}")
        for i in range(11)
    ]
    codes = [client.post(report_url(c), {"reason": ""}).status_code for c in comments]
    assert codes[:10] == [302] * 10
    assert codes[10] == 429
    assert CommentReport.objects.count() == 10


# -- 3. sorting ------------------------------------------------------------------------


@pytest.fixture
def three(forum, cast):
    quiet = make_proposal(forum, cast["participant"], title="Quiet room")
    loved = make_proposal(forum, cast["participant"], title="Cheaper tea")
    talked = make_proposal(forum, cast["participant"], title="Longer breaks")
    for member in (cast["supporter"], cast["facilitator"]):
        services.proposal_endorse(proposal=loved, member=member)
    for text in ("Yes", "No", "Maybe"):
        comment_services.comment_add(proposal=talked, author=cast["supporter"], body=text)
    return quiet, loved, talked


def titles(response) -> list[str]:
    return [row["p"].title for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Longer breaks", "Cheaper tea", "Quiet room"]),
        ("supported", ["Cheaper tea", "Longer breaks", "Quiet room"]),
        ("discussed", ["Longer breaks", "Cheaper tea", "Quiet room"]),
        # A wrong value shows the usual order, never an error page.
        ("nonsense", ["Longer breaks", "Cheaper tea", "Quiet room"]),
        ("", ["Longer breaks", "Cheaper tea", "Quiet room"]),
    ],
)
def test_ideas_sort_by_newest_support_or_comments(forum, cast, three, browser_for, sort, expected):
    response = browser_for(cast["participant"]).get(list_url(forum, sort=sort))
    assert response.status_code == 200
    assert titles(response) == expected


def test_sorting_keeps_its_order_across_pages_and_with_search(forum, cast, three, browser_for):
    client = browser_for(cast["participant"])
    response = client.get(list_url(forum, sort="supported", page="1", q="tea"))
    assert titles(response) == ["Cheaper tea"]
    page = response.content.decode()
    assert '<option value="supported" selected>' in page
    response = client.get(list_url(forum, sort=["x", "y"], page="99"))
    assert response.status_code == 200


# -- 4. search -------------------------------------------------------------------------


@pytest.fixture
def garden(forum, cast):
    return make_proposal(
        forum,
        cast["participant"],
        title="A garden at the centre",
        summary="We want to grow flowers.",
        body="",
    )


def found(forum, q: str) -> list[str]:
    return [p.title for p in selectors.proposal_list(forum, q=q)]


def test_search_finds_plurals_and_words_in_comments(forum, cast, garden):
    other = make_proposal(forum, cast["participant"], title="Better lights", summary="Dark.")
    comment_services.comment_add(
        proposal=other, author=cast["supporter"], body="The meetings need brighter lamps."
    )
    assert found(forum, "gardens") == ["A garden at the centre"]
    assert found(forum, "flower") == ["A garden at the centre"]
    assert found(forum, "meeting") == ["Better lights"]
    assert found(forum, "lamp") == ["Better lights"]
    assert found(forum, "lamps garden") == []


def test_search_finds_welsh_words_as_written(forum, cast):
    make_proposal(
        forum, cast["participant"], title="Bysiau gyda'r nos", summary="Mae'r bws olaf am 6."
    )
    assert found(forum, "bysiau") == ["Bysiau gyda'r nos"]
    assert found(forum, "Bysiau nos") == ["Bysiau gyda'r nos"]


def test_search_never_finds_hidden_words_or_another_forum(forum, cast, garden):
    services.proposal_hide(proposal=garden, by=cast["facilitator"], reason="Off topic.")
    assert found(forum, "garden") == []
    services.proposal_unhide(proposal=garden, by=cast["facilitator"])
    assert found(forum, "garden") == ["A garden at the centre"]

    secret = comment_services.comment_add(
        proposal=garden, author=cast["supporter"], body="Call me on 0777 zebra"
    )
    assert found(forum, "zebra") == ["A garden at the centre"]
    comment_services.comment_hide(comment=secret, by=cast["facilitator"], reason="Phone number.")
    assert found(forum, "zebra") == []

    outsider = cast["outsider"]
    elsewhere = outsider.forum
    make_proposal(elsewhere, outsider, title="Another garden")
    assert found(forum, "garden") == ["A garden at the centre"]
    assert found(elsewhere, "garden") == ["Another garden"]


def test_search_finds_changed_words_and_not_the_old_ones(forum, cast, garden):
    services.proposal_edit(
        proposal=garden,
        editor=cast["participant"],
        title="A pond at the centre",
        summary="We want to see ducks.",
        symbol="place",
        body="",
    )
    assert found(forum, "ducks") == ["A pond at the centre"]
    assert found(forum, "flowers") == []


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"garden',
        "garden\"'",
        "AND OR NOT",
        "garden OR",
        "NEAR(garden",
        "*",
        "garden*",
        "^garden",
        "title:garden",
        "(garden)",
        "-garden",
        "g" * 5000,
        "garden " * 300,
        "\ud800garden",
        "garden\x00",
        "🌻 garden",
        "!!!",
        "",
    ],
)
def test_odd_searches_give_a_clear_answer_never_an_error(forum, cast, garden, browser_for, q):
    titles_found = found(forum, q)
    assert titles_found in ([], ["A garden at the centre"])
    if "\ud800" not in q:
        response = browser_for(cast["participant"]).get(list_url(forum, q=q))
        assert response.status_code == 200


def test_a_search_with_no_words_says_so(forum, cast, garden, browser_for):
    page = browser_for(cast["participant"]).get(list_url(forum, q="!!! ???")).content.decode()
    assert "Please search with plain words." in page
    page = browser_for(cast["participant"]).get(list_url(forum, q="bad\x00")).content.decode()
    assert "Please search with plain words." in page


# -- 5. earlier versions -----------------------------------------------------------------


def test_an_idea_keeps_and_shows_its_earlier_words(forum, cast, proposal, browser_for):
    for title in ("Later buses", "Buses until 11"):
        services.proposal_edit(
            proposal=proposal,
            editor=cast["participant"],
            title=title,
            summary=proposal.summary,
            symbol="transport",
            body=proposal.body,
        )
        proposal.refresh_from_db()
    kept = list(ProposalRevision.objects.filter(proposal=proposal))
    assert [r.title for r in kept] == ["More buses in the evening", "Later buses"]
    assert kept[0].body == "The **last bus** goes at 6pm."
    events = AuditEvent.objects.filter(forum=forum, kind="proposal.edited").order_by("seq")
    assert [e.payload["revision"] for e in events] == [r.pk for r in kept]

    page = browser_for(cast["supporter"]).get(proposal_url(proposal)).content.decode()
    assert "Changed 2 times. See the earlier words." in page
    assert "More buses in the evening" in page
    assert "<strong>last bus</strong>" in page


def test_an_unchanged_save_keeps_no_version(cast, proposal):
    services.proposal_edit(
        proposal=proposal,
        editor=cast["participant"],
        title=proposal.title,
        summary=proposal.summary,
        symbol=proposal.symbol,
        body=proposal.body,
    )
    assert not ProposalRevision.objects.exists()


def test_a_hidden_idea_shows_no_earlier_words_to_members(forum, cast, proposal, browser_for):
    services.proposal_edit(
        proposal=proposal,
        editor=cast["participant"],
        title="Later buses",
        summary=proposal.summary,
        symbol="transport",
        body="",
    )
    services.proposal_hide(proposal=proposal, by=cast["facilitator"], reason="Off topic.")
    page = browser_for(cast["supporter"]).get(proposal_url(proposal)).content.decode()
    assert "More buses in the evening" not in page


# -- 6. the no-JavaScript preview keeps the chosen photo -----------------------------------


def png_upload(name: str = "bus.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (12, 8), (200, 120, 20)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


IDEA = {
    "title": "A bench at the bus stop",
    "summary": "We wait a long time. We want to sit.",
    "symbol": "transport",
    "body": "A **bench** please.",
    "photo_description": "The bus stop with no bench",
}


def test_the_preview_keeps_the_photo_and_saving_adds_it(forum, cast, browser_for):
    import re

    from deliberation.models import Proposal

    client = browser_for(cast["participant"])
    url = reverse("deliberation:proposal_new", args=[forum.slug])
    page = client.post(url, {**IDEA, "preview": "1", "photo": png_upload()}).content.decode()
    assert "<strong>bench</strong>" in page  # the preview
    assert "Your photo is kept. You do not need to choose it again." in page
    reference = re.search(r'name="pending_photo" value="([^"]+)"', page).group(1)

    # Another preview without choosing again keeps the same photo.
    page = client.post(url, {**IDEA, "preview": "1", "pending_photo": reference}).content.decode()
    assert f'value="{reference}"' in page

    response = client.post(url, {**IDEA, "pending_photo": reference})
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="A bench at the bus stop")
    [photo] = proposal.photos.all()
    assert photo.description == "The bus stop with no bench"
    assert (photo.width, photo.height) == (12, 8)
    event = AuditEvent.objects.get(forum=forum, kind="proposal.created")
    assert event.payload["photos"] == [photo.pk]


def test_a_pending_photo_is_only_its_members(forum, cast, browser_for):
    import re

    from deliberation.models import Proposal

    url = reverse("deliberation:proposal_new", args=[forum.slug])
    page = (
        browser_for(cast["participant"])
        .post(url, {**IDEA, "preview": "1", "photo": png_upload()})
        .content.decode()
    )
    reference = re.search(r'name="pending_photo" value="([^"]+)"', page).group(1)
    other = browser_for(cast["supporter"])
    response = other.post(url, {**IDEA, "title": "Someone else", "pending_photo": reference})
    assert response.status_code == 302
    assert not Proposal.objects.get(title="Someone else").photos.exists()
    response = other.post(url, {**IDEA, "title": "Forged", "pending_photo": "x" + reference})
    assert response.status_code == 302
    assert not Proposal.objects.get(title="Forged").photos.exists()


def test_a_photo_that_cannot_be_kept_is_said_plainly(forum, cast, browser_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("deliberation:proposal_new", args=[forum.slug])
    bad = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    page = (
        browser_for(cast["participant"])
        .post(url, {**IDEA, "preview": "1", "photo": bad})
        .content.decode()
    )
    assert "Please choose a photo: a JPEG, PNG or WebP file." in page
    assert 'name="pending_photo"' not in page
