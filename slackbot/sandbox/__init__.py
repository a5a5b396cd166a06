"""`orgbot sandbox`: try orgbot without a Slack workspace."""

from slackbot.sandbox.session import Sandbox

__all__ = ["Sandbox"]
