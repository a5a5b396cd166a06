"""Every id Slack sends back to orgbot: commands, action ids, callback ids, block ids.

Builders put these in Block Kit; `handlers/` registers listeners for them; `app.yaml` must
list the commands, shortcuts and events (a test keeps the three in step).
"""

# slash commands (app.yaml: features.slash_commands)
ROLE_COMPARE = "/role-compare"
ORG_PROPOSAL = "/org-proposal"

# global shortcut (app.yaml: features.shortcuts)
NEW_PROPOSAL_SHORTCUT = "new_org_proposal"

# events (app.yaml: settings.event_subscriptions.bot_events)
APP_HOME_OPENED = "app_home_opened"

# Workflow Builder steps (app.yaml: functions; the keys are their callback ids)
COMPARE_ROLES_STEP = "compare_roles"
START_PROPOSAL_STEP = "start_org_proposal"
WAIT_FOR_DECISION_STEP = "wait_for_proposal_decision"
STEP_OPEN_PROPOSAL = "workflow_open_proposal"  # the button in the DM of Start an org proposal

# role comparison
SHARE_COMPARISON = "share_comparison"
OPEN_FULL_COMPARISON = "open_full_comparison"  # the skim answer's "Full comparison"
SHOW_ROLE_CARD = "show_role_card"
OPEN_ROLE_PICKER = "open_role_picker"
ROLE_PICKER = "role_picker"  # callback_id of the picker modal
PICKER_ROLE_BLOCKS = ("pick_role_1", "pick_role_2", "pick_role_3", "pick_role_4")
PICKER_ROLE_ACTION = "role"

# proposals
PROPOSAL_MODAL = "proposal_modal"
PROPOSE_FROM_COMPARISON = "propose_from_comparison"
NEW_PROPOSAL_BUTTON = "new_proposal"
APPROVE = "proposal_approve"
REQUEST_CHANGES = "proposal_request_changes"
REJECT = "proposal_reject"
COMMENT = "proposal_comment"
EDIT = "proposal_edit"
WITHDRAW = "proposal_withdraw"
RETRY_POST = "proposal_retry_post"
OPEN_PROPOSAL = "proposal_open"
DECISION_MODAL = "decision_modal"
SNOOZE = "reminder_snooze"

# settings
SETTINGS_MODAL = "settings_modal"
OPEN_SETTINGS = "open_settings"

# importing the current org from a CSV (`/org-proposal import`; admins only)
ORG_IMPORT_MODAL = "org_import"
ORG_IMPORT_CSV_BLOCK = "org_import_csv"

# block ids of the proposal modal's inputs
TITLE_BLOCK = "title"
RATIONALE_BLOCK = "rationale"
STRUCTURE_BLOCK = "structure"
REVIEWERS_BLOCK = "reviewers"
REVIEW_BY_BLOCK = "review_by"
EFFECTIVE_BLOCK = "effective_on"  # optional: the date the proposal takes effect
CHANNEL_BLOCK = "channel"
POLICY_BLOCK = "policy"  # the review policy (shown when the workspace has policies)
DEFAULT_POLICY_OPTION = "_default"  # its option for "the workspace default"

# review policies (`/org-proposal policies`; admins only)
POLICIES_MODAL = "policies_modal"  # callback_id of the modal: the policies as TOML
POLICIES_SAVED = "policies_saved"  # callback_id of the view shown once they are saved
POLICIES_BLOCK = "policies"

# delegation while away (Home tab; `/org-proposal away until DATE to @x` does the same)
AWAY_BUTTON = "away_open"  # Home: "Away…" opens the modal
BACK_BUTTON = "away_back"  # Home: "Back now" ends the delegation
AWAY_MODAL = "away_modal"
AWAY_DONE = "away_done"  # callback_id of the view shown once it is saved
AWAY_FROM_BLOCK = "away_from"
AWAY_UNTIL_BLOCK = "away_until"
AWAY_TO_BLOCK = "away_to"
COMMENT_BLOCK = "comment"

# workspace roles (`/role-compare add`, `/role-compare edit ROLE`; admins only)
ROLE_FORM = "workspace_role_form"  # callback_id of the role modal
ROLE_SAVED = "workspace_role_saved"  # callback_id of the view shown once it is saved
