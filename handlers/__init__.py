"""Bolt listeners: each acks, calls the core, answers. No business logic lives here.

`register_listeners(app)` binds every command, action, view and event orgbot handles;
`app.yaml` declares the same commands, shortcuts and events (a test compares the two).
"""

from slack_bolt import App

from handlers import (
    away,
    errors,
    home,
    installations,
    org_import,
    org_proposal,
    policies,
    proposal_review,
    reminders,
    role_compare,
    settings,
    workflows,
    workspace_roles,
)


def register_listeners(app: App) -> None:
    errors.register(app)
    role_compare.register(app)
    org_proposal.register(app)
    org_import.register(app)
    proposal_review.register(app)
    home.register(app)
    settings.register(app)
    policies.register(app)
    away.register(app)
    reminders.register(app)
    workspace_roles.register(app)
    workflows.register(app)
    installations.register(app)
