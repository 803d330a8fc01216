"""Web addresses of coprod's pages (namespace `deliberation`)."""

from django.urls import path

from deliberation.views import (
    comments,
    decisions,
    equals,
    exports,
    facilitator,
    forum_exports,
    forum_polls,
    glossary,
    guides,
    home,
    participant,
    personal_data,
    projector,
    proposals,
    summaries,
    summary_outputs,
)
from deliberation.views.easyread import check_text

app_name = "deliberation"

urlpatterns = [
    # Participants: no account, the session remembers who is on this phone.
    path("", participant.home, name="home"),
    path("join/", participant.join, name="join"),
    path("join/<str:code>/", participant.join_meeting, name="join_meeting"),
    path("join/<str:code>/new/", participant.join_guest, name="join_guest"),
    path("join/<str:code>/waiting/", participant.waiting, name="waiting"),
    path("i/<str:token>/", participant.invite, name="invite"),
    path("guide/", guides.participant_guide, name="participant_guide"),
    path("guide/facilitator/", guides.facilitator_guide, name="facilitator_guide"),
    path("m/<int:meeting_id>/", participant.phone, name="phone"),
    path("m/<int:meeting_id>/vote/<int:poll_id>/", participant.vote, name="vote"),
    path("m/<int:meeting_id>/codes/", participant.vote_codes, name="vote_codes"),
    path("m/<int:meeting_id>/equals/<str:action>/", equals.phone_action, name="equals_phone"),
    # The projector: the token in the address is the secret.
    path("p/<str:projector_token>/", projector.projector, name="projector"),
    path("p/<str:projector_token>/qr.svg", projector.projector_qr, name="projector_qr"),
    # Facilitators.
    path("f/", facilitator.forums, name="forums"),
    path("f/<slug:slug>/", facilitator.forum, name="forum"),
    path("f/<slug:slug>/members/new/", facilitator.member_add_view, name="member_add"),
    path("f/<slug:slug>/members/<int:member_id>/", facilitator.member_edit, name="member_edit"),
    path(
        "f/<slug:slug>/members/<int:member_id>/new-link/",
        facilitator.member_new_link,
        name="member_new_link",
    ),
    path(
        "f/<slug:slug>/members/<int:member_id>/forget/",
        personal_data.member_erase_view,
        name="member_erase",
    ),
    path("f/<slug:slug>/cards/", facilitator.cards, name="cards"),
    path("f/<slug:slug>/easyread/check/", check_text, name="easyread_check"),
    path("f/<slug:slug>/meetings/new/", facilitator.meeting_new, name="meeting_new"),
    path("f/<slug:slug>/meetings/<int:meeting_id>/", facilitator.console, name="console"),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/do/<str:action>/",
        facilitator.console_action,
        name="console_action",
    ),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/equals/<str:action>/",
        equals.console_action,
        name="equals_console",
    ),
    # Proposal threads and votes between meetings: members known by their invite link.
    path("forum/<slug:slug>/", home.member_home, name="member_home"),
    path("forum/<slug:slug>/news/read/", home.notices_read, name="notices_read"),
    path(
        "forum/<slug:slug>/proposals/<int:pk>/follow/",
        home.proposal_follow_view,
        name="proposal_follow",
    ),
    path("forum/<slug:slug>/proposals/", proposals.proposal_list, name="proposals"),
    path("forum/<slug:slug>/proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("forum/<slug:slug>/proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path(
        "forum/<slug:slug>/proposals/<int:pk>/edit/",
        proposals.proposal_edit,
        name="proposal_edit",
    ),
    path(
        "forum/<slug:slug>/proposals/<int:pk>/do/<str:action>/",
        proposals.proposal_action,
        name="proposal_action",
    ),
    path(
        "forum/<slug:slug>/comments/<int:comment_id>/edit/",
        comments.comment_edit,
        name="comment_edit",
    ),
    path(
        "forum/<slug:slug>/comments/<int:comment_id>/report/",
        comments.comment_report,
        name="comment_report",
    ),
    path("forum/<slug:slug>/reports/", comments.reports, name="reports"),
    path(
        "forum/<slug:slug>/reports/<int:comment_id>/leave/",
        comments.report_dismiss,
        name="report_dismiss",
    ),
    path(
        "forum/<slug:slug>/photos/<int:photo_id>/",
        proposals.proposal_photo,
        name="proposal_photo",
    ),
    path(
        "forum/<slug:slug>/shortlist/agenda/",
        proposals.proposals_schedule,
        name="proposals_schedule",
    ),
    path("forum/<slug:slug>/emails/", proposals.notify, name="notify"),
    path("forum/<slug:slug>/forget-me/", proposals.forget_me, name="forget_me"),
    path("forum/<slug:slug>/my-data.json", personal_data.my_data, name="my_data"),
    path("forum/<slug:slug>/votes/", forum_polls.forum_poll_list, name="forum_polls"),
    path("forum/<slug:slug>/votes/new/", forum_polls.forum_poll_new, name="forum_poll_new"),
    path("forum/<slug:slug>/votes/<int:poll_id>/", forum_polls.forum_poll, name="forum_poll"),
    path(
        "forum/<slug:slug>/votes/<int:poll_id>/vote/",
        forum_polls.forum_poll_vote,
        name="forum_poll_vote",
    ),
    path(
        "forum/<slug:slug>/votes/<int:poll_id>/count/",
        forum_polls.forum_poll_count,
        name="forum_poll_count",
    ),
    path("unsubscribe/<str:token>/", proposals.unsubscribe, name="unsubscribe"),
    # The record: decisions, "you said, we did" and open data, for members and facilitators.
    path("forum/<slug:slug>/decisions/", decisions.decision_log, name="decision_log"),
    path(
        "forum/<slug:slug>/decisions/decisions.csv",
        exports.decisions_csv,
        name="decisions_csv",
    ),
    path(
        "forum/<slug:slug>/decisions/decisions.json",
        exports.decisions_json,
        name="decisions_json",
    ),
    path("forum/<slug:slug>/decisions/audit.jsonl", exports.audit_jsonl, name="audit_jsonl"),
    # Open data between meetings, beside the decisions' (views/forum_exports.py).
    path("forum/<slug:slug>/data/ideas.csv", forum_exports.ideas_csv, name="ideas_csv"),
    path("forum/<slug:slug>/data/ideas.json", forum_exports.ideas_json, name="ideas_json"),
    path("forum/<slug:slug>/data/comments.csv", forum_exports.comments_csv, name="comments_csv"),
    path("forum/<slug:slug>/data/comments.json", forum_exports.comments_json, name="comments_json"),
    path("forum/<slug:slug>/data/votes.csv", forum_exports.votes_csv, name="votes_csv"),
    path("forum/<slug:slug>/data/votes.json", forum_exports.votes_json, name="votes_json"),
    path(
        "forum/<slug:slug>/decisions/<int:decision_id>/",
        decisions.decision_detail,
        name="decision",
    ),
    path(
        "forum/<slug:slug>/decisions/<int:decision_id>/actions/new/",
        decisions.action_new,
        name="action_new",
    ),
    path("forum/<slug:slug>/actions/<int:action_id>/", decisions.action_detail, name="action"),
    path(
        "forum/<slug:slug>/actions/<int:action_id>/edit/",
        decisions.action_edit,
        name="action_edit",
    ),
    path(
        "forum/<slug:slug>/actions/photos/<int:update_id>/",
        decisions.action_photo,
        name="action_photo",
    ),
    # Easy-read summaries: built, reviewed and signed off by facilitators (views/summaries.py)...
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/summary/",
        summaries.summary_review,
        name="summary_review",
    ),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/summary/build/",
        summaries.summary_build_view,
        name="summary_build",
    ),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/summary/points/<int:point_id>/",
        summaries.summary_point,
        name="summary_point",
    ),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/summary/points/add/",
        summaries.summary_point_add_view,
        name="summary_point_add",
    ),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/summary/sign-off/",
        summaries.summary_sign_off_view,
        name="summary_sign_off",
    ),
    path("f/<slug:slug>/symbols/", summaries.symbol_picker, name="symbol_picker"),
    path("f/<slug:slug>/glossary/", glossary.glossary, name="glossary"),
    # ...then read, downloaded, sent and printed (views/summary_outputs.py).
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/summary/send/",
        summary_outputs.summary_send_view,
        name="summary_send",
    ),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/summary/sends/<int:send_id>/resend/",
        summary_outputs.summary_resend_view,
        name="summary_resend",
    ),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/summary/print-pack.pdf",
        summary_outputs.print_pack,
        name="summary_print_pack",
    ),
    path(
        "forum/<slug:slug>/meetings/<int:meeting_id>/summary/",
        summary_outputs.summary_page,
        name="summary",
    ),
    path(
        "forum/<slug:slug>/meetings/<int:meeting_id>/summary.pdf",
        summary_outputs.summary_pdf,
        name="summary_pdf",
    ),
]
