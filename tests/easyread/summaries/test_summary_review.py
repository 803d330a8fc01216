"""The review, sign-off and picture pages: plain forms, easy-read advice, facilitators only."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Summary, SummaryPoint
from deliberation.services import summaries as services
from tests import factories
from tests.easyread.summaries.conftest import welsh_done

pytestmark = pytest.mark.django_db

LONG = (
    "This sentence is much too long for easy read because it keeps going on and on "
    "and on without any stop."
)


def url(name, forum, meeting, *extra):
    return reverse(f"deliberation:{name}", args=[forum.slug, meeting.pk, *extra])


@pytest.fixture
def built(summary_record, meeting, lead) -> Summary:
    """The built summary, its Welsh checked by the reviewer (ready for sign-off)."""
    return welsh_done(services.summary_build(meeting=meeting, actor=lead), lead)


def first_point(summary: Summary) -> SummaryPoint:
    return summary.points.order_by("position").first()


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def outsider_client(forum) -> Client:
    """Signed in, and a member of the forum, but not its facilitator."""
    account = factories.user()
    factories.member(forum, "staff", user=account)
    client = Client()
    client.force_login(account)
    return client


def test_only_facilitators_may_use_the_pages(outsider_client, forum, meeting, built):
    point = first_point(built)
    gets = [
        url("summary_review", forum, meeting),
        url("summary_sign_off", forum, meeting),
        reverse("deliberation:symbol_picker", args=[forum.slug]),
    ]
    posts = [
        url("summary_build", forum, meeting),
        url("summary_point", forum, meeting, point.pk),
        url("summary_point_add", forum, meeting),
        url("summary_sign_off", forum, meeting),
    ]
    for address in gets:
        assert outsider_client.get(address).status_code == 403, address
    for address in posts:
        assert outsider_client.post(address, {"text": "x", "op": "remove"}).status_code == 403
    assert SummaryPoint.objects.filter(pk=point.pk).exists()


def test_someone_not_signed_in_is_asked_to_sign_in(forum, meeting):
    response = Client().get(url("summary_review", forum, meeting))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_build_from_the_review_page(facilitator_client, forum, meeting, summary_record):
    before = facilitator_client.get(url("summary_review", forum, meeting))
    assert "Build the summary" in page(before)
    assert "Not built yet" in page(before)

    response = facilitator_client.post(url("summary_build", forum, meeting), follow=True)

    html = page(response)
    assert "The summary is built. Please check every point." in html
    assert "We had a meeting on Tuesday 3 March." in html
    assert "Build again" in html
    assert 'alt="Meetings"' in html  # the point's picture has words
    assert "OpenMoji" in html


def test_saving_a_point_shows_the_easy_read_advice_without_javascript(
    facilitator_client, forum, meeting, built
):
    point = first_point(built)
    response = facilitator_client.post(
        url("summary_point", forum, meeting, point.pk),
        {"op": "save", "text": LONG, "text_cy": "", "kind": "meeting", "symbol": "home"},
        follow=True,
    )

    point.refresh_from_db()
    assert (point.text, point.symbol) == (LONG, "home")
    html = page(response)
    assert "The point is saved." in html
    assert "This sentence has 21 words. Try to use 15 or fewer." in html


def test_bad_input_gives_a_readable_error_and_keeps_what_was_typed(
    facilitator_client, forum, meeting, built
):
    point = first_point(built)
    response = facilitator_client.post(
        url("summary_point", forum, meeting, point.pk),
        {"op": "save", "text": "   ", "text_cy": "Cyfarfod da.", "kind": "date", "symbol": "home"},
    )

    assert response.status_code == 400
    html = page(response)
    assert "Please write the words for this point." in html
    assert "Cyfarfod da." in html
    assert '<option value="date" selected>' in html
    point.refresh_from_db()
    assert point.text == "We had a meeting on Tuesday 3 March."


def test_a_picture_we_do_not_have_is_refused(facilitator_client, forum, meeting, built):
    point = first_point(built)
    response = facilitator_client.post(
        url("summary_point", forum, meeting, point.pk),
        {"op": "save", "text": "Hello.", "kind": "meeting", "symbol": "../../etc/passwd"},
    )

    assert response.status_code == 400
    assert "Please choose a picture from the list." in page(response)


def test_move_and_remove(facilitator_client, forum, meeting, built):
    first, second = built.points.order_by("position")[:2]

    facilitator_client.post(url("summary_point", forum, meeting, second.pk), {"op": "up"})
    assert built.points.order_by("position").first() == second
    facilitator_client.post(url("summary_point", forum, meeting, second.pk), {"op": "remove"})
    assert not SummaryPoint.objects.filter(pk=second.pk).exists()


def test_a_point_of_another_meeting_is_not_found(facilitator_client, forum, meeting, built, lead):
    other = factories.open_meeting(forum, title="Other")
    response = facilitator_client.post(
        url("summary_point", forum, other, first_point(built).pk), {"op": "remove"}
    )

    assert response.status_code == 404


def test_add_a_point_and_a_refused_one_keeps_the_words(facilitator_client, forum, meeting, built):
    refused = facilitator_client.post(
        url("summary_point_add", forum, meeting),
        {"text": "", "text_cy": "Diolch.", "kind": "break", "symbol": ""},
    )
    assert refused.status_code == 400
    assert "Diolch." in page(refused)

    response = facilitator_client.post(
        url("summary_point_add", forum, meeting),
        {"text": "Thank you for coming.", "text_cy": "Diolch.", "kind": "break", "symbol": ""},
    )

    added = built.points.order_by("position").last()
    assert (added.text, added.symbol) == ("Thank you for coming.", "break")
    assert response["Location"].endswith(f"#point-{added.pk}")


def test_sign_off_page_lists_only_people_with_lived_experience(
    facilitator_client, forum, meeting, people, built
):
    html = page(facilitator_client.get(url("summary_sign_off", forum, meeting)))

    for person in people["lived_experience"]:
        assert person.name in html
    for person in people["staff"] + people["commissioner"]:
        assert f">{person.name}</option>" not in html


def test_sign_off_needs_the_box_ticked(facilitator_client, forum, meeting, people, built):
    checker = people["lived_experience"][0]
    response = facilitator_client.post(
        url("summary_sign_off", forum, meeting), {"member": checker.pk, "note": "Good."}
    )

    assert response.status_code == 400
    assert "Please tick the box" in page(response)
    assert "Good." in page(response)
    built.refresh_from_db()
    assert not built.is_signed_off


def test_a_staff_member_cannot_sign_off(facilitator_client, forum, meeting, people, built):
    response = facilitator_client.post(
        url("summary_sign_off", forum, meeting),
        {"member": people["staff"][0].pk, "confirmed": "yes"},
    )

    assert response.status_code == 400
    built.refresh_from_db()
    assert not built.is_signed_off


def test_sign_off_then_a_change_asks_for_sign_off_again(
    facilitator_client, forum, meeting, people, built
):
    checker = people["lived_experience"][1]
    response = facilitator_client.post(
        url("summary_sign_off", forum, meeting),
        {"member": checker.pk, "confirmed": "yes", "note": "I understand it."},
        follow=True,
    )
    html = page(response)
    assert f"{checker.name} signed off the summary." in html
    assert "Signed off: ready to send" in html
    assert "I understand it." in html

    point = first_point(built)
    changed = facilitator_client.post(
        url("summary_point", forum, meeting, point.pk),
        {"op": "save", "text": "We met.", "kind": "meeting", "symbol": "meeting"},
        follow=True,
    )

    html = page(changed)
    assert "it needs to be signed off again" in html
    assert "Changed after sign-off: it needs signing off again" in html
    built.refresh_from_db()
    assert not built.is_signed_off


def test_a_sent_summary_shows_no_forms(facilitator_client, forum, meeting, built):
    Summary.objects.filter(pk=built.pk).update(first_sent_at=timezone.now())

    html = page(facilitator_client.get(url("summary_review", forum, meeting)))

    assert "Sent" in html
    assert "Save this point" not in html
    assert "Build again" not in html
    response = facilitator_client.post(url("summary_build", forum, meeting))
    assert response.status_code == 400
    assert "has been sent" in page(response)


def test_the_picture_picker_searches_by_words(facilitator_client, forum):
    address = reverse("deliberation:symbol_picker", args=[forum.slug])

    found = facilitator_client.get(address, {"q": "bus", "format": "json"}).json()
    assert [s["name"] for s in found["symbols"]] == ["transport"]
    assert found["symbols"][0]["label"] == "Getting about"

    asked = facilitator_client.get(address, {"q": "tea"}, headers={"Accept": "application/json"})
    assert [s["name"] for s in asked.json()["symbols"]] == ["break"]
    assert asked.json()["symbols"][0]["url"].endswith("/vendor/openmoji/break.svg")

    html = page(facilitator_client.get(address, {"q": "money"}))
    assert "Money" in html
    assert "Getting about" not in html


def test_pick_a_picture_on_its_own_page_without_javascript(
    facilitator_client, forum, meeting, built
):
    point = first_point(built)
    address = reverse("deliberation:symbol_picker", args=[forum.slug])
    html = page(facilitator_client.get(address, {"q": "bus", "point": point.pk}))
    assert 'name="symbol" value="transport"' in html

    facilitator_client.post(
        url("summary_point", forum, meeting, point.pk), {"op": "symbol", "symbol": "transport"}
    )

    point.refresh_from_db()
    assert point.symbol == "transport"
    assert point.text == "We had a meeting on Tuesday 3 March."


def test_every_picture_is_offered_with_its_words(facilitator_client, forum, meeting, built):
    from deliberation.display import SYMBOLS

    html = page(facilitator_client.get(url("summary_review", forum, meeting)))

    for name in SYMBOLS:
        assert f'value="{name}"' in html


def test_the_review_page_reads_in_a_fixed_number_of_queries(
    facilitator_client, forum, meeting, built, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        facilitator_client.get(url("summary_review", forum, meeting))
    for n in range(10):
        services.summary_point_add(summary=built, text=f"Point {n}.")
    with django_assert_max_num_queries(15):
        facilitator_client.get(url("summary_review", forum, meeting))


def test_the_console_links_to_the_summary_with_its_status(facilitator_client, forum, meeting):
    html = page(
        facilitator_client.get(reverse("deliberation:console", args=[forum.slug, meeting.pk]))
    )

    assert url("summary_review", forum, meeting) in html
    assert "Not built yet" in html


def test_building_again_after_sign_off_says_it_needs_sign_off_again(
    facilitator_client, forum, meeting, people, built
):
    services.summary_sign_off(summary=built, member=people["lived_experience"][0])

    response = facilitator_client.post(url("summary_build", forum, meeting), follow=True)

    html = page(response)
    assert "The summary is built again." in html
    assert "it needs to be signed off again" in html
