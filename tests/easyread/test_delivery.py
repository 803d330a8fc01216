"""Who gets the summary how: the routing rule, case by case (pure, no database)."""

import pytest

from deliberation.easyread import delivery
from deliberation.easyread.delivery import route

CASES = [
    # needs, has_email, has_address -> format, language, large, reason
    (["email"], True, False, "email", "en", False, ""),
    (["email", "welsh"], True, True, "email", "cy", False, ""),
    (["paper"], True, True, "post", "en", False, ""),
    (["paper", "email"], True, True, "post", "en", False, ""),
    (["paper", "email"], True, False, "email", "en", False, delivery.EMAILED_NO_ADDRESS),
    (["large_print"], False, True, "post", "en", True, ""),
    (["large_print"], True, True, "post", "en", True, ""),
    (["large_print", "email"], True, True, "email", "en", True, ""),
    (["large_print", "welsh"], False, True, "post", "cy", True, ""),
    (["large_print"], False, False, None, "en", True, delivery.NO_POSTAL_ADDRESS),
    (["paper"], True, False, None, "en", False, delivery.NO_POSTAL_ADDRESS),
    (["email"], False, True, None, "en", False, delivery.NO_EMAIL_ADDRESS),
    # An address on file is not consent: nobody is emailed without "email" in their needs.
    ([], True, True, None, "en", False, delivery.NO_EMAIL_CONSENT),
    (["easy_read", "welsh"], True, False, None, "cy", False, delivery.NO_EMAIL_CONSENT),
    ([], False, False, None, "en", False, delivery.NO_WAY_CHOSEN),
    (["easy_read", "audio", "interpreter"], False, True, None, "en", False,
     delivery.NO_WAY_CHOSEN),
]  # fmt: skip


@pytest.mark.parametrize(("needs", "email", "address", "fmt", "lang", "large", "reason"), CASES)
def test_route(needs, email, address, fmt, lang, large, reason):
    chosen = route(needs, has_email=email, has_address=address)
    assert (chosen.format, chosen.language, chosen.large_print, chosen.reason) == (
        fmt,
        lang,
        large,
        reason,
    )
    assert chosen.reachable == (fmt is not None)


@pytest.mark.parametrize("has_address", [True, False])
@pytest.mark.parametrize("needs", [[], ["paper"], ["large_print"], ["welsh"], ["easy_read"]])
def test_nobody_is_emailed_without_consent(needs, has_address):
    assert route(needs, has_email=True, has_address=has_address).format != delivery.EMAIL
