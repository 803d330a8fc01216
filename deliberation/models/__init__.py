"""Tables of coprod: fields, constraints and small properties only, one module by area.

Every model is re-exported here (the Django convention), so `from deliberation.models
import X` works and migrations see the same models.
"""

from deliberation.models.equals import (
    Card,
    CardKind,
    SpeakingSettings,
    SpeakingTurn,
)
from deliberation.models.forums import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    CommunicationNeed,
    Constituency,
    Forum,
    Member,
    Role,
    Weighting,
    new_join_code,
    new_token,
)
from deliberation.models.meetings import (
    AgendaItem,
    Attendance,
    Meeting,
)
from deliberation.models.notifications import (
    Notification,
    NotificationPreference,
    NotifyFrequency,
)
from deliberation.models.polls import (
    Ballot,
    ForumPollSchedule,
    HandCount,
    Participation,
    Poll,
    PollOption,
    SecretBallot,
    Source,
)
from deliberation.models.proposals import (
    Comment,
    CommentRevision,
    Endorsement,
    Proposal,
    ProposalEvent,
    ProposalPhoto,
    ProposalPollLink,
    ProposalStatus,
    proposal_photo_path,
)
from deliberation.models.record import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    AppendOnlyQuerySet,
    AuditEvent,
    Decision,
    RecordValue,
    action_photo_path,
)
from deliberation.models.summaries import (
    GlossaryEntry,
    PointKind,
    Summary,
    SummaryPoint,
    SummarySend,
    WelshStatus,
)

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "new_join_code",
    "new_token",
    "Constituency",
    "Role",
    "CommunicationNeed",
    "Weighting",
    "Forum",
    "Member",
    "Meeting",
    "AgendaItem",
    "Attendance",
    "SpeakingSettings",
    "SpeakingTurn",
    "CardKind",
    "Card",
    "Poll",
    "PollOption",
    "Source",
    "Ballot",
    "SecretBallot",
    "Participation",
    "HandCount",
    "ForumPollSchedule",
    "Decision",
    "AppendOnlyQuerySet",
    "AuditEvent",
    "RecordValue",
    "ActionStatus",
    "OPEN_ACTION_STATUSES",
    "Action",
    "action_photo_path",
    "ActionUpdate",
    "ProposalStatus",
    "Proposal",
    "proposal_photo_path",
    "ProposalPhoto",
    "ProposalEvent",
    "ProposalPollLink",
    "Comment",
    "CommentRevision",
    "Endorsement",
    "NotifyFrequency",
    "NotificationPreference",
    "Notification",
    "GlossaryEntry",
    "PointKind",
    "WelshStatus",
    "Summary",
    "SummaryPoint",
    "SummarySend",
]
