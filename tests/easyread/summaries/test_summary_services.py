"""Summary services: build, edit points, sign off; every change audited."""

import pytest
from django.utils import timezone

from deliberation import audit
from deliberation.exceptions import InvalidInput, NotAllowed, NotFound
from deliberation.models import AuditEvent, Member, Role, Summary, SummaryPoint
from deliberation.services import summaries as services
from tests import factories
from tests.easyread.summaries.conftest import welsh_done

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(summary_record, meeting, lead) -> Summary:
    """The built summary, its Welsh checked by the reviewer (ready for sign-off)."""
    return welsh_done(services.summary_build(meeting=meeting, actor=lead), lead)


def kinds_since(pk: int) -> list[str]:
    return list(AuditEvent.objects.filter(pk__gt=pk).order_by("pk").values_list("kind", flat=True))


def last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def texts(summary: Summary) -> list[str]:
    return list(summary.points.order_by("position").values_list("text", flat=True))


def test_build_saves_the_points_in_order_with_a_welsh_draft_of_each(built):
    points = list(built.points.order_by("position"))

    assert [p.position for p in points] == list(range(1, len(points) + 1))
    assert points[0].text == "We had a meeting on Tuesday 3 March."
    # The sentences come from the Welsh translations; names and titles stay as written.
    assert points[0].text_cy == "Dyddiad ein cyfarfod oedd Dydd Mawrth 3 Mawrth."
    assert all(p.text_cy and p.text_cy != p.text for p in points if p.kind != "decision")
    assert not built.is_signed_off


def test_the_welsh_draft_says_dates_and_counts_in_welsh(built):
    welsh = " ".join(built.points.values_list("text_cy", flat=True))

    assert "i'r cyfarfod." in welsh  # "Daeth 7 o bobl i'r cyfarfod."
    assert "Dydd " in welsh  # day names from Django's Welsh dates
    assert "people" not in welsh and "came to the meeting" not in welsh


def test_build_again_replaces_the_points_and_clears_sign_off(built, meeting, people, lead):
    point = built.points.first()
    services.summary_point_update(
        point=point, text="Edited.", text_cy="", symbol="idea", kind="meeting", actor=lead
    )
    welsh_done(built, lead)
    services.summary_sign_off(summary=built, member=people["lived_experience"][0], actor=lead)
    before = last_event()

    again = services.summary_build(meeting=meeting, actor=lead)

    assert again.pk == built.pk
    assert "Edited." not in texts(again)
    assert not again.is_signed_off
    assert kinds_since(before) == ["summary.sign_off_cleared", "summary.built"]


def test_a_sent_summary_cannot_be_built_again_or_changed(built, meeting, lead):
    Summary.objects.filter(pk=built.pk).update(first_sent_at=timezone.now())
    before = texts(built)
    point = built.points.first()

    with pytest.raises(NotAllowed, match="has been sent"):
        services.summary_build(meeting=meeting, actor=lead)
    with pytest.raises(NotAllowed):
        services.summary_point_update(point=point, text="New.", symbol="idea", kind="meeting")
    with pytest.raises(NotAllowed):
        services.summary_point_remove(point=point)
    assert texts(built) == before


def test_update_changes_words_welsh_kind_and_picture(built, lead):
    point = built.points.order_by("position")[1]

    services.summary_point_update(
        point=point, text="  We met on Tuesday.  ", text_cy="Cwrddon ni ddydd Mawrth.",
        symbol="transport", kind="date", actor=lead,
    )  # fmt: skip

    point.refresh_from_db()
    assert (point.text, point.text_cy, point.symbol, point.kind) == (
        "We met on Tuesday.", "Cwrddon ni ddydd Mawrth.", "transport", "date",
    )  # fmt: skip
    assert point.text_in("cy") == "Cwrddon ni ddydd Mawrth."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   "}, "write the words"),
        ({"symbol": "unicorn"}, "picture"),
        ({"kind": "party"}, "what this point is about"),
        ({"text": "x" * 601}, "shorter"),
    ],
)
def test_update_refuses_bad_input_and_keeps_the_point(built, fields, message):
    point = built.points.first()
    given = {"text": "Fine.", "text_cy": "", "symbol": "idea", "kind": "meeting", **fields}

    with pytest.raises(InvalidInput, match=message):
        services.summary_point_update(point=point, **given)

    point.refresh_from_db()
    assert point.text == "We had a meeting on Tuesday 3 March."


def test_easy_read_advice_never_blocks_saving(built):
    point = built.points.first()
    long = "This sentence is far too long for easy read because it goes on and on and on and on."

    services.summary_point_update(point=point, text=long, symbol="idea", kind="meeting")

    point.refresh_from_db()
    assert point.text == long


def test_an_empty_picture_gets_the_kinds_picture(built):
    point = services.summary_point_add(summary=built, text="Tea break.", kind="break", symbol="")

    assert point.symbol == "break"
    assert point.position == built.points.count()


def test_move_swaps_with_the_neighbour_and_stops_at_the_ends(built):
    first, second = built.points.order_by("position")[:2]

    services.summary_point_move(point=second, direction="up")
    assert texts(built)[:2] == [second.text, first.text]

    top = built.points.order_by("position").first()
    before = last_event()
    services.summary_point_move(point=top, direction="up")
    assert texts(built)[:2] == [second.text, first.text]
    assert kinds_since(before) == []

    with pytest.raises(InvalidInput):
        services.summary_point_move(point=top, direction="sideways")  # type: ignore[arg-type]


def test_remove_takes_the_point_out(built):
    count = built.points.count()
    point = built.points.order_by("position").last()

    services.summary_point_remove(point=point)

    assert built.points.count() == count - 1
    assert point.text not in texts(built)


def test_sign_off_by_a_member_with_lived_experience(built, people, lead):
    checker = people["lived_experience"][2]

    services.summary_sign_off(summary=built, member=checker, note="Clear to me.", actor=lead)

    built.refresh_from_db()
    assert built.is_signed_off
    assert built.signed_off_by == checker
    assert built.signed_off_note == "Clear to me."
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.kind == "summary.signed_off"
    assert event.payload["member"] == checker.pk
    assert event.actor == f"member:{lead.pk}"


@pytest.mark.parametrize("who", ["staff", "commissioner", "inactive", "other_forum", "guest"])
def test_sign_off_refuses_anyone_else(built, people, forum, who):
    if who in ("staff", "commissioner"):
        member = people[who][0]
    elif who == "inactive":
        member = factories.member(forum, "lived_experience")
        Member.objects.filter(pk=member.pk).update(is_active=False)
    elif who == "guest":
        member = factories.member(forum, "lived_experience")
        Member.objects.filter(pk=member.pk).update(is_guest=True)
    else:
        member = factories.member(factories.forum(), "lived_experience")

    with pytest.raises(NotAllowed, match="lived experience"):
        services.summary_sign_off(summary=built, member=member)

    built.refresh_from_db()
    assert not built.is_signed_off


def test_a_facilitator_with_lived_experience_may_sign_off(built, forum):
    member = factories.member(forum, "lived_experience", role=Role.FACILITATOR)

    services.summary_sign_off(summary=built, member=member)

    assert built.__class__.objects.get(pk=built.pk).is_signed_off


def test_sign_off_needs_points(meeting, people):
    empty = Summary.objects.create(meeting=meeting, forum=meeting.forum)

    with pytest.raises(InvalidInput, match="no points"):
        services.summary_sign_off(summary=empty, member=people["lived_experience"][0])


@pytest.mark.parametrize("change", ["update", "add", "remove", "move"])
def test_any_change_after_sign_off_clears_it_and_says_so(built, people, lead, change):
    services.summary_sign_off(summary=built, member=people["lived_experience"][0], actor=lead)
    point = built.points.order_by("position").last()
    before = last_event()

    if change == "update":
        services.summary_point_update(
            point=point, text="Changed.", symbol=point.symbol, kind=point.kind, actor=lead
        )
    elif change == "add":
        services.summary_point_add(summary=built, text="More.", actor=lead)
    elif change == "remove":
        services.summary_point_remove(point=point, actor=lead)
    else:
        services.summary_point_move(point=point, direction="up", actor=lead)

    built.refresh_from_db()
    assert not built.is_signed_off
    assert "summary.sign_off_cleared" in kinds_since(before)
    assert audit.verify_all().ok


def test_saving_the_same_words_keeps_the_sign_off(built, people):
    services.summary_sign_off(summary=built, member=people["lived_experience"][0])
    point = built.points.first()

    services.summary_point_update(
        point=point, text=point.text, text_cy=point.text_cy, symbol=point.symbol, kind=point.kind
    )

    built.refresh_from_db()
    assert built.is_signed_off


def test_a_point_taken_out_meanwhile_is_not_found(built):
    point = built.points.first()
    stale = SummaryPoint.objects.get(pk=point.pk)
    services.summary_point_remove(point=point)

    with pytest.raises(NotFound):
        services.summary_point_update(point=stale, text="Hi.", symbol="idea", kind="meeting")
    with pytest.raises(NotFound):
        services.summary_point_move(point=stale, direction="down")
