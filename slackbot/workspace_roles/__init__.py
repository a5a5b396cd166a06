"""A workspace's own roles: added or changed by its admins (in Slack or with `orgbot roles
import`), stored per workspace, and laid over the shipped catalog for that workspace only.

- `toml_io`: the TOML format (one role a file, or several as `[[roles]]`), read and written;
- `validation`: every role checked by the catalog's own loader, plus what only a workspace
  role can get wrong (its id, names that already belong to another role, unknown references);
- `repository`: the SQLite tables, with who changed what and when;
- `provider`: `CatalogProvider.catalog_for(team_id)`, cached until the workspace's roles change;
- `form`: the role modal's values, read and checked field by field.
"""

from slackbot.workspace_roles.provider import CatalogProvider
from slackbot.workspace_roles.repository import StoredRole, WorkspaceRoles
from slackbot.workspace_roles.toml_io import dump_roles, read_roles, role_to_data
from slackbot.workspace_roles.validation import validate_roles

__all__ = [
    "CatalogProvider",
    "StoredRole",
    "WorkspaceRoles",
    "dump_roles",
    "read_roles",
    "role_to_data",
    "validate_roles",
]
