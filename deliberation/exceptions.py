"""Named domain errors, each with a message in plain words fit for a participant."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request that cannot be done; `message` says why in plain words."""

    code = "error"
    default_message = _("Sorry, that did not work.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class NotAllowed(DomainError):
    code = "not_allowed"
    default_message = _("You are not allowed to do that.")


class NotFound(DomainError):
    code = "not_found"
    default_message = _("We could not find that.")


class InvalidInput(DomainError):
    code = "invalid"
    default_message = _("Something in your answer is not right.")


class MeetingNotOpen(DomainError):
    code = "meeting_not_open"
    default_message = _("This meeting is not open.")


class PollNotOpen(DomainError):
    code = "poll_not_open"
    default_message = _("This vote is not open.")


class PollClosed(DomainError):
    code = "poll_closed"
    default_message = _("This vote has closed. Your answer was not counted.")


class WrongMeeting(DomainError):
    code = "wrong_meeting"
    default_message = _("That vote belongs to another meeting.")


class SettingLocked(DomainError):
    code = "setting_locked"
    default_message = _(
        "This setting protects people and cannot be weakened once the vote is open."
    )


class NameTaken(DomainError):
    code = "name_taken"
    default_message = _(
        "Someone has already joined with this name on another phone. Please ask the facilitator."
    )


class AlreadyVotedSecret(DomainError):
    code = "already_voted"
    default_message = _(
        "You have already voted in this secret vote on another phone or browser, "
        "so it cannot be changed here."
    )


class StatusChangeRefused(DomainError):
    code = "status_change_refused"
    default_message = _("A proposal cannot move on like that.")


class EditTimeOver(DomainError):
    code = "edit_time_over"
    default_message = _("The time to change this has passed. You can write a new comment.")


class AlreadyEndorsed(DomainError):
    code = "already_endorsed"
    default_message = _("You already support this proposal. Thank you.")


class NotEndorsed(DomainError):
    code = "not_endorsed"
    default_message = _("You do not support this proposal now, so there is nothing to take back.")


class AlreadyReported(DomainError):
    code = "already_reported"
    default_message = _("You told the facilitators about this comment already. Thank you.")


class ProposalClosed(DomainError):
    code = "proposal_closed"
    default_message = _("This proposal is finished, so it cannot be changed now.")


class UnstorableText(DomainError):
    """Text with a character we cannot store (a lone surrogate, NUL or another control)."""

    code = "invalid_text"
    default_message = _(
        "Some letters or signs in your message cannot be used. Please type it again."
    )
