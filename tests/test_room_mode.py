"""Room mode (`make run HOST=0.0.0.0`): phones on the room's wifi can join.

Found on main: `make run` allowed only localhost, so a phone opening the laptop's LAN
address got 400, and the projector's QR code pointed at 127.0.0.1, which a phone
cannot reach.
"""

import io
import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.urls import reverse

from coprod.room import lan_ipv4_addresses, room_mode
from deliberation.models import Meeting
from deliberation.views.projector import qr_svg

LAN = "192.168.1.23"
ROOT = Path(__file__).resolve().parent.parent


def no_lookup() -> list[str]:
    raise AssertionError("the LAN addresses are looked up only when serving every interface")


# -- the settings function ----------------------------------------------------------


def test_the_default_loopback_address_changes_nothing():
    assert room_mode("127.0.0.1", "8000", no_lookup) == ([], "")
    assert room_mode("localhost", "8000", no_lookup) == ([], "")
    assert room_mode("::1", "8000", no_lookup) == ([], "")


def test_every_interface_allows_the_lan_addresses_and_joins_at_the_first():
    hosts, url = room_mode("0.0.0.0", "8000", lambda: [LAN, "10.0.0.5"])
    assert hosts == [LAN, "10.0.0.5"]
    assert url == f"http://{LAN}:8000"


def test_every_interface_without_a_network_allows_nothing_more():
    assert room_mode("0.0.0.0", "8000", lambda: []) == ([], "")


def test_one_lan_address_is_allowed_itself():
    assert room_mode(LAN, "8080", no_lookup) == ([LAN], f"http://{LAN}:8080")


def test_the_lan_addresses_found_are_ipv4_and_not_loopback():
    for address in lan_ipv4_addresses():
        ip = ipaddress.IPv4Address(address)
        assert not ip.is_loopback and not ip.is_link_local


def read_settings(**env: str) -> dict[str, object]:
    """Import coprod.settings in a fresh Python with this environment, as `make run` does."""
    code = (
        "import json; from coprod import settings as s; "
        "print(json.dumps({'hosts': s.ALLOWED_HOSTS, 'url': s.ROOM_URL}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COPROD_HOST", "COPROD_PORT", "ALLOWED_HOSTS")
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "SECRET_KEY": "test-only", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def test_settings_in_room_mode_allow_this_machines_lan_addresses():
    lan = lan_ipv4_addresses()
    found = read_settings(COPROD_HOST="0.0.0.0", COPROD_PORT="8123")
    assert found["hosts"] == ["localhost", "127.0.0.1", "[::1]", *lan]
    assert found["url"] == (f"http://{lan[0]}:8123" if lan else "")


def test_settings_by_default_allow_only_localhost():
    assert read_settings() == {"hosts": ["localhost", "127.0.0.1", "[::1]"], "url": ""}


def test_a_deployments_own_host_variable_is_not_room_mode():
    assert read_settings(HOST="0.0.0.0", PORT="80")["hosts"] == ["localhost", "127.0.0.1", "[::1]"]


# -- pages and sockets with a LAN address ---------------------------------------------


@pytest.fixture
def room(settings):
    """Settings as coprod.settings makes them with HOST=0.0.0.0 on a laptop at LAN."""
    hosts, url = room_mode("0.0.0.0", "8000", lambda: [LAN])
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, *hosts]
    settings.ROOM_HOSTS, settings.ROOM_URL = hosts, url


def join_page(client, meeting):
    return client.get(
        reverse("deliberation:join_meeting", args=[meeting.join_code]),
        HTTP_HOST=f"{LAN}:8000",
    )


def test_a_phone_at_the_lan_address_gets_the_join_page_in_room_mode(client, meeting, room):
    assert join_page(client, meeting).status_code == 200


def test_a_phone_at_the_lan_address_is_refused_otherwise(client, meeting):
    assert join_page(client, meeting).status_code == 400


async def handshake(origin_host: str) -> bool:
    from asgi import application

    headers = [(b"host", origin_host.encode()), (b"origin", f"http://{origin_host}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/projector/no-such-token/", headers)
    connected, _code = await communicator.connect(timeout=5)
    await communicator.disconnect()
    return connected  # past the origin check, our consumer accepts (then closes: 4403)


@pytest.mark.django_db(transaction=True)
async def test_a_socket_from_the_lan_address_is_accepted_in_room_mode(room):
    assert await handshake(f"{LAN}:8000")


@pytest.mark.django_db(transaction=True)
async def test_a_socket_from_the_lan_address_is_refused_otherwise():
    assert not await handshake(f"{LAN}:8000")


def test_the_projector_on_the_laptop_shows_the_lan_join_url_and_its_qr(client, meeting, room):
    url = f"http://{LAN}:8000/join/{meeting.join_code}/"
    page = client.get(
        reverse("deliberation:projector", args=[meeting.projector_token]),
        HTTP_HOST="127.0.0.1:8000",
    )
    assert f"{LAN}:8000/join" in page.content.decode()
    assert "127.0.0.1:8000/join" not in page.content.decode()
    qr = client.get(
        reverse("deliberation:projector_qr", args=[meeting.projector_token]),
        HTTP_HOST="127.0.0.1:8000",
    )
    assert qr.content == qr_svg(url, title=meeting.join_code)


def test_the_projector_outside_room_mode_joins_at_its_own_address(client, meeting):
    page = client.get(
        reverse("deliberation:projector", args=[meeting.projector_token]),
        HTTP_HOST="127.0.0.1:8000",
    )
    assert "127.0.0.1:8000/join" in page.content.decode()
    qr = client.get(
        reverse("deliberation:projector_qr", args=[meeting.projector_token]),
        HTTP_HOST="127.0.0.1:8000",
    )
    url = f"http://127.0.0.1:8000/join/{meeting.join_code}/"
    assert qr.content == qr_svg(url, title=meeting.join_code)


def test_the_console_shows_the_lan_join_url_in_room_mode(facilitator_client, meeting, room):
    console = reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])
    page = facilitator_client.get(console, HTTP_HOST="127.0.0.1:8000").content.decode()
    assert f"http://{LAN}:8000/join/{meeting.join_code}/" in page


@pytest.mark.django_db
def test_seed_demo_prints_the_lan_join_url_in_room_mode(room, settings):
    settings.HOST, settings.PORT = "0.0.0.0", "8000"
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    code = Meeting.objects.get(forum__slug="riverside", status="open").join_code
    text = out.getvalue()
    assert f"Phones on this wifi: http://{LAN}:8000/join/{code}/" in text
    assert f"Phones join at:      http://{LAN}:8000/join/  with code {code}" in text
    assert "Projector:           http://127.0.0.1:8000/p/" in text


@pytest.mark.django_db
def test_seed_demo_without_room_mode_prints_no_wifi_address():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Phones on this wifi" not in out.getvalue()
    assert "Projector:           http://127.0.0.1:8000/p/" in out.getvalue()
