"""Change a forum's own words for the easy-read checker: short forms and hard words."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from deliberation import audit
from deliberation.exceptions import InvalidInput
from deliberation.models import Forum, GlossaryEntry
from deliberation.services.common import Actor, actor_label

TERM_MAX = GlossaryEntry._meta.get_field("term").max_length or 60
PLAIN_MAX = GlossaryEntry._meta.get_field("plain").max_length or 300


def _clean(*, kind: str, term: str, plain: str) -> tuple[str, str, str]:
    """Return the entry's kind, term and plain words tidied, or raise InvalidInput."""
    if kind not in GlossaryEntry.Kind.values:
        raise InvalidInput(_("Please choose: a short form we explain, or a hard word to avoid."))
    term = " ".join((term or "").split())
    plain = " ".join((plain or "").split())
    if not term:
        raise InvalidInput(_("Please write the word or short form."))
    if len(term) > TERM_MAX:
        raise InvalidInput(
            _("The word or short form is too long: %(n)s letters at most.") % {"n": TERM_MAX}
        )
    if not plain:
        raise InvalidInput(_("Please write what it means, in plain words."))
    if len(plain) > PLAIN_MAX:
        raise InvalidInput(
            _("The plain words are too long: %(n)s letters at most.") % {"n": PLAIN_MAX}
        )
    return kind, term, plain


def glossary_entry_add(
    *, forum: Forum, kind: str, term: str, plain: str, actor: Actor
) -> GlossaryEntry:
    """Add a short form the forum explains, or a hard word with its plain words."""
    kind, term, plain = _clean(kind=kind, term=term, plain=plain)
    taken = InvalidInput(_("“%(term)s” is already on the list.") % {"term": term})
    with transaction.atomic():
        # Lock the forum (as the audit append does) so two people adding the same word
        # at once queue up and the second is told it is already there.
        Forum.objects.select_for_update().filter(pk=forum.pk).first()
        if GlossaryEntry.objects.filter(forum=forum, kind=kind, term__iexact=term).exists():
            raise taken
        try:
            with transaction.atomic():
                entry = GlossaryEntry.objects.create(forum=forum, kind=kind, term=term, plain=plain)
        except IntegrityError:
            raise taken from None
        audit.append(
            forum_id=forum.pk,
            actor=actor_label(actor),
            kind="glossary.added",
            payload={"entry": entry.pk, "kind": kind, "term": term, "plain": plain},
        )
    return entry


def glossary_entry_remove(*, entry: GlossaryEntry, actor: Actor) -> None:
    """Take a word off the forum's list; the audit record keeps what it was."""
    with transaction.atomic():
        payload = {"entry": entry.pk, "kind": entry.kind, "term": entry.term, "plain": entry.plain}
        deleted, _rows = GlossaryEntry.objects.filter(pk=entry.pk).delete()
        if not deleted:
            return  # already gone (removed twice, from two pages): nothing changed
        audit.append(
            forum_id=entry.forum_id,
            actor=actor_label(actor),
            kind="glossary.removed",
            payload=payload,
        )
