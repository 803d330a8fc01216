"""HTTP views: participant (join, phone, vote), projector, facilitator (forums, console)."""
