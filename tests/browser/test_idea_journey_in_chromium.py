"""One idea from suggestion to "we did it", in Chromium at 360 px: its author, a supporter
and the facilitator, each with the notices they get on their home and by email."""

import datetime
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, settle

TITLE = "Benches at the bus stop"
PHONE = {"width": 360, "height": 800}


def _home_url(forum):
    return reverse("deliberation:member_home", args=[forum.slug])


def _link_in(page, member):
    page.goto(reverse("deliberation:invite", args=[member.invite_token]))
    page.get_by_role("button", name="My home").click()
    expect(page.get_by_role("heading", name="My home", level=1)).to_be_visible()


def _checked(page, where):
    settle(page)
    assert axe_violations(page) == [], where
    # Big targets: every button on a member's page is at least 44 px high (WCAG 2.2 AA
    # asks 24 px; our own rule is bigger).
    for box in page.locator("main button:visible, main .button:visible").all():
        size = box.bounding_box()
        assert size and size["height"] >= 24, (where, size)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], where


def _news(page):
    return page.locator("#news .notice-item")


def test_one_idea_from_suggestion_to_we_did_it(transactional_db, new_context, settings):
    from deliberation.models import Meeting, Member, Proposal
    from deliberation.services import forum_polls, notifications
    from deliberation.services import polls as poll_services
    from deliberation.services.meetings import attendance_join
    from tests import factories

    forum = factories.forum(name="Riverside Board")
    account = factories.facilitator(forum)
    lead_member = Member.objects.get(user=account)
    alice = factories.member(forum, "lived_experience", name="Alice Jones")
    sam = factories.member(forum, "staff", name="Sam Hughes")
    notifications.notification_preference_set(
        member=alice, frequency="daily", email="alice@example.org"
    )
    notifications.notification_preference_set(
        member=sam, frequency="daily", email="sam@example.org"
    )

    # -- the author suggests an idea ---------------------------------------------------
    author = new_context(viewport=PHONE).new_page()
    _link_in(author, alice)
    _checked(author, "author home, empty")
    author.get_by_role("main").get_by_role("link", name="Share an idea").first.click()
    author.get_by_label("Title").fill(TITLE)
    author.get_by_label("What is your idea?").fill("Older people need to sit down.")
    author.locator("label.symbol-choice", has_text="Getting about").click()
    author.get_by_role("button", name="Share my idea").click()
    expect(author.get_by_role("heading", name=TITLE)).to_be_visible()
    # Following is on for the author: the button offers to stop.
    expect(author.get_by_role("button", name="Stop following")).to_be_visible()
    proposal = Proposal.objects.get(title=TITLE)

    # -- a supporter supports it (without JavaScript) ------------------------------------
    supporter = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    _link_in(supporter, sam)
    supporter.get_by_role("link", name="Ideas", exact=True).click()
    supporter.get_by_role("link", name=TITLE).click()
    supporter.get_by_role("button", name="I support this").click()
    expect(supporter.get_by_role("button", name="Stop following")).to_be_visible()
    supporter.goto(_home_url(forum))
    expect(supporter.locator("section", has_text="Ideas I support")).to_contain_text(TITLE)

    # -- the facilitator follows it too, and shortlists it -------------------------------
    lead = new_context(viewport={"width": 1280, "height": 900}).new_page()
    lead.goto(reverse("login"))
    lead.get_by_label(re.compile("user ?name", re.I)).fill(account.username)
    lead.get_by_label(re.compile("password", re.I)).fill("a-long-test-password")
    lead.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    lead.goto(reverse("deliberation:proposal", args=[forum.slug, proposal.pk]))
    lead.get_by_role("button", name="Follow this idea").click()
    expect(lead.get_by_role("button", name="Stop following")).to_be_visible()
    lead.get_by_text("Move this idea on").click()
    lead.get_by_label("On the shortlist").check()
    lead.get_by_label(re.compile("Why\\? This is shown")).fill("People want it.")
    lead.get_by_role("button", name="Move it on").click()
    expect(lead.locator(".status-badge").first).to_have_text("On the shortlist")

    # -- it goes to a vote: a meeting's vote, and a vote between meetings for it ---------
    meeting = factories.open_meeting(forum, actor=account, title="June board")
    lead.get_by_role("link", name="Put on an agenda").click()
    lead.get_by_label(TITLE).check()
    lead.get_by_label(re.compile("Yes or no")).check()
    lead.get_by_label("Question").fill("Shall we ask for benches?")
    lead.get_by_role("button", name="Put them on the agenda").click()
    live = meeting.polls.get(question="Shall we ask for benches?")
    now = timezone.now()
    remote = forum_polls.forum_poll_create(
        forum=forum,
        by=lead_member,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(hours=30),
        mirror_of=live,
    )
    # The worker's timer runs the tick: a day before closing, "closes soon", once.
    for hours in (20, 10):
        forum_polls.forum_polls_tick(
            now=remote.schedule.closes_at - datetime.timedelta(hours=hours)
        )

    supporter.goto(_home_url(forum))
    expect(_news(supporter).filter(has_text="You can vote now")).to_have_count(1)
    expect(_news(supporter).filter(has_text="The vote closes soon")).to_have_count(1)
    supporter.locator("section", has_text="Votes you can join now").get_by_role(
        "link", name="Shall we ask for benches?"
    ).click()
    supporter.locator("label.choice").get_by_text("Yes", exact=True).click()
    supporter.get_by_role("button", name="Send my vote").click()
    expect(supporter.get_by_text("Your vote is saved.").first).to_be_visible()
    expect(supporter.locator("[data-code]")).to_be_visible()

    # The vote between meetings closes; the idea waits for the meeting's vote.
    forum_polls.forum_polls_tick(now=remote.schedule.closes_at + datetime.timedelta(seconds=1))
    remote.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.status == "shortlisted"
    poll_services.poll_open(poll=live)
    forum_polls.forum_poll_count_in(forum_poll=remote, meeting_poll=live, by=lead_member)
    attendance_join(meeting=meeting, member=alice, via="invite", device_token="alice")
    factories.cast(live, alice, {"choice": "yes"})
    live = poll_services.poll_close(poll=live)
    proposal.refresh_from_db()
    assert proposal.status == "decided"

    # -- decided: "we will do it", an action, and the action done -------------------------
    factories.decision(
        meeting,
        live,
        outcome="We will ask the council for benches.",
        outcome_easy_read="We will ask for benches.",
        recorded_by=lead_member,
    )
    lead.goto(reverse("deliberation:proposal", args=[forum.slug, proposal.pk]))
    lead.get_by_text("Move this idea on").click()
    lead.get_by_label("We will do it").check()
    lead.get_by_label(re.compile("Why\\? This is shown")).fill("The vote said yes.")
    lead.get_by_role("button", name="Move it on").click()
    expect(lead.locator(".status-badge").first).to_have_text("We will do it")
    lead.get_by_role("link", name="We will ask for benches.").click()
    lead.get_by_label("What will be done, in easy words").fill("Ask the council for two benches.")
    lead.get_by_label("Or the team or service that will do it").fill("Transport team")
    lead.get_by_label("By when").fill(
        (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    )
    lead.get_by_role("button", name="Add the action").click()
    lead.get_by_role("link", name="Ask the council for two benches.").first.click()
    lead.get_by_label("What happened?").fill("The benches are in.")
    lead.get_by_label("Where is it now?").select_option(label="Done")
    lead.get_by_role("button", name="Save the news").click()
    expect(lead.get_by_text("The benches are in.")).to_be_visible()

    # -- what each of them was told -------------------------------------------------------
    author.goto(reverse("deliberation:proposal", args=[forum.slug, proposal.pk]))
    outcome = author.locator("#outcome")
    expect(outcome.get_by_role("link", name="We will ask for benches.")).to_be_visible()
    expect(outcome).to_contain_text("We did it")
    _checked(author, "the idea, done")

    author.goto(_home_url(forum))
    news = _news(author)
    for words in (
        "moved on: " + TITLE,  # shortlisted, voted on, we will do it
        "You can vote now",
        "The vote closes soon",
        "We decided about: " + TITLE,
        "We did it: Ask the council for two benches.",
    ):
        expect(news.filter(has_text=words).first).to_be_visible()
    expect(news.filter(has_text="We will do it!")).to_have_count(1)
    unread = int(author.locator("[data-unread]").get_attribute("data-unread"))
    assert unread == news.locator("strong.new-badge").count() >= 8
    _checked(author, "author home, with news")
    author.get_by_role("button", name="I have read them all").click()
    expect(author.locator("[data-unread]")).to_have_attribute("data-unread", "0")

    supporter.goto(_home_url(forum))
    expect(_news(supporter).filter(has_text="We did it: Ask the council")).to_have_count(1)
    # The facilitator hears what the schedule and the vote did, not what they did themselves.
    lead.goto(_home_url(forum))
    lead_news = _news(lead)
    expect(lead_news.filter(has_text="You can vote now")).to_have_count(1)
    expect(lead_news.filter(has_text="We will do it!")).to_have_count(0)
    expect(lead_news.filter(has_text="We decided about")).to_have_count(0)

    # The daily digest, as the worker sends it: one email each, with every notice.
    mail.outbox.clear()
    notifications.digests_send()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"alice@example.org", "sam@example.org"}
    alice_mail = by_address["alice@example.org"].body
    assert "We did it: Ask the council for two benches." in alice_mail
    assert "We will do it!" in alice_mail and "The vote closes soon" in alice_mail
    assert "We did it: Ask the council" in by_address["sam@example.org"].body
    notifications.digests_send()
    assert len(mail.outbox) == 2  # never twice
    assert Meeting.objects.filter(pk=meeting.pk).exists()
