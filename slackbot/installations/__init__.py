"""Many workspaces: Slack's OAuth install flow, installations in orgbot's database, and a
Web API client per workspace (see docs/slack-setup.md, "Distribution").

With `SLACK_CLIENT_ID` set, orgbot has no single bot token: each workspace (or Enterprise
Grid org) that installs it has its own, stored by `InstallationStore` (slack_sdk's
installation-store interface on orgbot's Store), found per request by Bolt, and per
workspace by the scheduler through `TeamClients`. Uninstalling marks the installation
(no data is deleted); installing again makes it active again.
"""

from slackbot.installations.clients import TeamClients, TeamRoutedClient, for_team
from slackbot.installations.store import InstallationStore, OAuthStateStore

__all__ = [
    "InstallationStore",
    "OAuthStateStore",
    "TeamClients",
    "TeamRoutedClient",
    "for_team",
]
