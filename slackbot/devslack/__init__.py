"""A stand-in for Slack on loopback: its Web API, and the platform that sends signed
requests to the app. Used by the tests, the benchmarks and `orgbot sandbox`."""

from slackbot.devslack.server import AppResponse, Call, FakeSlack
from slackbot.devslack.workspace import BOT_TOKEN, Channel, User, Workspace

__all__ = ["BOT_TOKEN", "AppResponse", "Call", "Channel", "FakeSlack", "User", "Workspace"]
