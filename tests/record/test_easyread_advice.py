"""Easy-read advice on an action's description: after saving, and as you type."""

import datetime

import pytest
from django.urls import reverse

from deliberation.models import Action
from tests import factories
from tests.record.conftest import member_client

pytestmark = pytest.mark.django_db

HARD = "Improve safeguarding at the day centre, e.g. new locks."
DUE = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()


def advice(page: str) -> str:
    """Return the easy-read panels of a page joined, or "" if there are none."""
    parts = page.split('class="easyread"')[1:]
    return "".join(part[: part.index("</details>")] for part in parts)


def new_action(client, forum, decision, **kwargs):
    url = reverse("deliberation:action_new", args=[forum.slug, decision.pk])
    data = {"decision": decision.pk, "description": HARD, "owner_name": "Day team", "due_on": DUE}
    return client.post(url, {**data, **kwargs}, follow=True)


def test_a_new_action_is_saved_and_its_advice_shows_on_the_decision_page(
    facilitator_client, forum, record
):
    response = new_action(facilitator_client, forum, record["chat"])
    assert response.status_code == 200
    assert Action.objects.filter(description=HARD).exists()  # saving was not blocked
    page = response.content.decode()
    assert "The action is added." in page
    actions = page[page.index('id="actions"') :]
    panel = advice(actions)
    assert "What will be done, in easy words:" in panel
    assert "This is advice. Your words are saved, and you can keep them." in panel
    assert "“safeguarding” is a hard word." in panel
    assert "Write “for example” instead of “e.g.”." in panel


def test_a_mistyped_action_form_shows_the_advice_with_what_to_fix(
    facilitator_client, forum, record
):
    response = new_action(facilitator_client, forum, record["chat"], owner_name="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please say who will do it" in page
    panel = advice(page[page.index('id="new-action"') :])
    assert "This is advice. It does not stop you saving." in panel
    assert "“safeguarding” is a hard word." in panel


def test_a_changed_action_shows_its_advice_on_the_action_page(facilitator_client, forum, record):
    action = record["done"]
    url = reverse("deliberation:action_edit", args=[forum.slug, action.pk])
    data = {"decision": action.decision_id, "description": HARD, "owner_name": "Council"}
    response = facilitator_client.post(url, {**data, "due_on": DUE}, follow=True)
    action.refresh_from_db()
    assert action.description == HARD
    page = response.content.decode()
    assert "The changes are saved." in page
    assert "“safeguarding” is a hard word." in advice(page)


def test_the_edit_form_shown_again_has_the_advice(facilitator_client, forum, record):
    action = record["done"]
    url = reverse("deliberation:action_edit", args=[forum.slug, action.pk])
    response = facilitator_client.post(url, {"decision": action.decision_id, "description": HARD})
    assert response.status_code == 400
    assert "“safeguarding” is a hard word." in advice(response.content.decode())


def test_members_reading_the_record_do_not_see_the_advice(forum, record, people):
    action = factories.action(record["chat"], description=HARD)
    reader = member_client(people["staff"][1])
    decision = reverse("deliberation:decision", args=[forum.slug, action.decision_id])
    page = reader.get(decision).content.decode()
    assert HARD in page and advice(page) == ""
    page = reader.get(reverse("deliberation:action", args=[forum.slug, action.pk])).content
    assert advice(page.decode()) == ""


def test_action_forms_are_checked_as_you_type(facilitator_client, forum, record):
    decision = reverse("deliberation:decision", args=[forum.slug, record["chat"].pk])
    page = facilitator_client.get(decision).content.decode()
    check = reverse("deliberation:easyread_check", args=[forum.slug])
    assert f'data-check-url="{check}"' in page
    assert page.count('data-easyread="en"') == 1
    edit = reverse("deliberation:action_edit", args=[forum.slug, record["done"].pk])
    page = facilitator_client.get(edit).content.decode()
    assert f'data-check-url="{check}"' in page and page.count('data-easyread="en"') == 1
