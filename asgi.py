"""ASGI entry point: HTTP to Django, websockets through origin check and session."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coprod.settings")

from coprod.handler import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from coprod.limits import BodyLimit  # noqa: E402
from coprod.logredact import redact_daphne_access_log  # noqa: E402
from coprod.routing import websocket_urlpatterns  # noqa: E402
from coprod.startup import refuse_weak_secret_key  # noqa: E402
from deliberation.origins import SameOriginValidator  # noqa: E402
from deliberation.realtime import LoopBinder  # noqa: E402
from deliberation.socket_limits import SessionConnectThrottle  # noqa: E402

refuse_weak_secret_key()
redact_daphne_access_log()

application = ProtocolTypeRouter(
    {
        "http": BodyLimit(LoopBinder(django_asgi_app)),
        "websocket": SameOriginValidator(
            # The session is read when first used, with the user (identity.user_for_scope),
            # in the consumer's one read of who is connecting: no AuthMiddlewareStack.
            SessionConnectThrottle(SessionMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
