"""Start daphne with coprod's request size limits (`python -m coprod.server`).

Takes daphne's own options, e.g. `python -m coprod.server -b 127.0.0.1 -p 8000
asgi:application`. It also waits longer for a websocket to be accepted (see
WEBSOCKET_CONNECT_TIMEOUT). Plain daphne reads a whole request body (into memory or a
temporary file) before the app sees any of it, so a limit in ASGI middleware comes
too late for memory and disk. Here each HTTP request checks the size as it arrives:
a Content-Length over the limit is refused as soon as the headers are in, and a
chunked body as soon as its running count passes the limit. The refusal is the 413
page of `coprod.limits`, and the connection is closed without reading the rest.
"""

from typing import Any

from daphne.cli import CommandLineInterface
from daphne.http_protocol import HTTPFactory, WebRequest
from daphne.server import Server

from coprod import limits


class LimitedRequest(WebRequest):
    """daphne's HTTP request, refusing a body over the limit instead of buffering it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Twisted would otherwise parse a whole multipart body into request.args, a
        # second copy in memory that daphne never uses.
        kwargs["parsePOSTFormSubmission"] = False
        self.body_limit = 0
        self.body_received = 0
        self.refused = False
        super().__init__(*args, **kwargs)

    def gotLength(self, length: int | None) -> None:
        """Refuse a declared length over the limit, before any of the body is read."""
        self.body_limit = limits.body_limit(
            self.requestHeaders.getRawHeaders(b"content-type", [None])[0]
        )
        if length is not None and length > self.body_limit:
            # No "100 Continue" for a body we will not take.
            self.requestHeaders.removeHeader(b"expect")
            self.refuse()
            return
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        """Keep a piece of the body, or refuse the request once the body passes the limit."""
        if self.refused:
            return
        self.body_received += len(data)
        if self.body_received > self.body_limit:
            self.refuse()
            return
        super().handleContentChunk(data)

    def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:
        """Hand a whole request to daphne, unless it was refused."""
        if not self.refused:
            super().requestReceived(command, path, version)

    def refuse(self) -> None:
        """Answer 413 and close the connection; what else comes is not read."""
        self.refused = True
        channel: Any = self.channel
        head = [b"HTTP/1.1 %d %s" % (limits.STATUS, limits.REASON)]
        head += [name + b": " + value for name, value in limits.too_big_headers()]
        channel.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + limits.too_big_page())
        channel.loseConnection()


class LimitedHTTPFactory(HTTPFactory):
    """daphne's HTTP factory, making LimitedRequest requests."""

    def buildProtocol(self, addr: Any) -> Any:
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = LimitedRequest
        return protocol


class LimitedServer(Server):
    """daphne's server, listening with LimitedHTTPFactory."""

    @property
    def http_factory(self) -> HTTPFactory:
        return self._limited_http_factory

    @http_factory.setter
    def http_factory(self, factory: HTTPFactory) -> None:
        # daphne's run() makes a plain HTTPFactory and listens with it at once; this
        # is the one place to put ours in its stead. tests/security checks a real
        # process refuses an oversized request, so a daphne change cannot go unseen.
        self._limited_http_factory = LimitedHTTPFactory(self)


# Seconds a websocket may wait for the app to accept it. daphne's command line gives 5 and
# then refuses the handshake; in a storm of phones reconnecting at once (issue 12), a phone
# refused so tries again and only adds to the queue, so the server drops ever more of the
# handshakes it would serve in time. `--websocket_connect_timeout` still sets it.
WEBSOCKET_CONNECT_TIMEOUT = 30


class LimitedCommandLineInterface(CommandLineInterface):
    """daphne's command line, starting LimitedServer."""

    description = "coprod's daphne: Django HTTP/WebSocket server with request size limits"
    server_class = LimitedServer

    def __init__(self) -> None:
        super().__init__()
        self.parser.set_defaults(websocket_connect_timeout=WEBSOCKET_CONNECT_TIMEOUT)


def main() -> None:
    """Run daphne with the limits, taking daphne's command-line options."""
    LimitedCommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
