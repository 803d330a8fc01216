"""Read queries shaped for pages, snapshots and broadcasts, without N+1 queries.

One module by area; import the area you read from:
meetings (the live meeting: polls, tallies, agenda, attendance, snapshots),
forums (forums, members, a member's own data), proposals (threads),
record (decisions, actions, "last time", the audit chain) and
summaries (the forum's words and the easy-read summary).
"""
