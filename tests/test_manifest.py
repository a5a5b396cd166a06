"""app.yaml is in step with the handlers, and `orgbot manifest` fills it in."""

import yaml

from slackbot import ids, manifest


def test_app_yaml_matches_the_handlers():
    assert manifest.mismatches() == []


def test_a_command_missing_from_app_yaml_is_caught():
    data = manifest.load_manifest()
    data["features"]["slash_commands"] = [
        c for c in data["features"]["slash_commands"] if c["command"] != ids.ROLE_COMPARE
    ]
    data["settings"]["event_subscriptions"]["bot_events"].append("reaction_added")
    assert manifest.mismatches(data) == [
        "command /role-compare is handled but missing from app.yaml",
        "event reaction_added is in app.yaml but nothing handles it",
    ]


def test_the_manifest_declares_what_the_spec_promises():
    data = manifest.load_manifest()
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert set(commands) == {"/role-compare", "/org-proposal"}
    assert all(c["usage_hint"] and c["description"] for c in commands.values())
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["features"]["shortcuts"][0]["callback_id"] == ids.NEW_PROPOSAL_SHORTCUT
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert "commands" in data["oauth_config"]["scopes"]["bot"]
    assert "chat:write.public" not in data["oauth_config"]["scopes"]["bot"]


def test_url_fills_every_request_url():
    data = manifest.with_request_url(
        manifest.load_manifest(), manifest.request_url("https://o.example.com")
    )
    text = manifest.dump(data)
    assert "https://example.com" not in text
    parsed = yaml.safe_load(text)
    assert (
        parsed["settings"]["interactivity"]["request_url"] == "https://o.example.com/slack/events"
    )
    assert all(
        c["url"] == "https://o.example.com/slack/events"
        for c in parsed["features"]["slash_commands"]
    )


def test_socket_mode_drops_request_urls():
    data = manifest.for_socket_mode(manifest.load_manifest())
    assert data["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest.dump(data).replace("request_url", "").replace("_url", "")
