"""The members of the user groups a policy names, read from Slack before a proposal (or a
new version) is stored: `usergroups.users.list`, one call per group."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot.policies.model import Policy

logger = logging.getLogger("orgbot.policies")


def usergroup_members(client: WebClient, policy: Policy) -> dict[str, tuple[str, ...]]:
    """Each group's members; a group Slack will not list is left out (its stage then asks
    its fallback, or the admins, and the card says why)."""
    members: dict[str, tuple[str, ...]] = {}
    for group in dict.fromkeys(s.reviewers.usergroup for s in policy.stages):
        if not group:
            continue
        try:
            members[group] = tuple(client.usergroups_users_list(usergroup=group)["users"])
        except (SlackApiError, OSError) as error:
            logger.warning("usergroups.users.list %s failed: %s", group, error)
    return members
