"""Room mode: serve the phones on the room's wifi (`make run HOST=0.0.0.0`).

Plain HTTP for a trusted local network only (README, "Running a meeting with real
phones on a wifi network"). With the default HOST=127.0.0.1 nothing here changes a
setting.
"""

import ipaddress
import socket
from collections.abc import Callable

# Addresses that mean "every network interface of this machine".
ALL_INTERFACES = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - what room mode is for
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# An address of the documentation range (RFC 5737): a UDP socket "connected" to it
# picks the interface of the default route without sending anything.
_PROBE = ("203.0.113.1", 9)


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def lan_ipv4_addresses() -> list[str]:
    """Return this machine's IPv4 addresses that others on its networks can reach."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)
            found.append(probe.getsockname()[0])
    except OSError:
        pass  # no default route (a wifi without internet): the host's name may still tell
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    found.extend(str(info[4][0]) for info in infos)
    return [address for address in dict.fromkeys(found) if _usable(address)]


def _url_host(address: str) -> str:
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


def local_host(host: str) -> str:
    """Return the host name for links to a server listening on `host` on this machine."""
    host = host.strip()
    if host in ALL_INTERFACES or not host:
        return "127.0.0.1"
    return _url_host(host)


def room_mode(host: str, port: str, lan: Callable[[], list[str]]) -> tuple[list[str], str]:
    """Return the hosts to allow beyond ALLOWED_HOSTS and the origin phones join at.

    `host` is the address the server listens on. Listening on every interface allows
    the machine's LAN addresses (`lan` finds them) and phones join at the first one; a
    single non-loopback address is allowed itself; loopback changes nothing.
    """
    host = host.strip()
    if host.lower() in LOOPBACK_NAMES:
        return [], ""
    addresses = lan() if host in ALL_INTERFACES else [host]
    hosts = [_url_host(address) for address in addresses]
    return hosts, (f"http://{hosts[0]}:{port}" if hosts else "")
