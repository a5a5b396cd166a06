"""The role catalog and the comparison logic. Free of Slack: nothing here imports slack_*."""

from roles.catalog import ONET_CREDIT, Catalog, CatalogError, Responsibility, Role, load_catalog
from roles.compare import MAX_ROLES, MIN_ROLES, Comparison, compare
from roles.names import Resolution, lookup, resolve
from roles.parse import CompareRequest, parse_compare

__all__ = [
    "MAX_ROLES",
    "MIN_ROLES",
    "ONET_CREDIT",
    "Catalog",
    "CatalogError",
    "CompareRequest",
    "Comparison",
    "Resolution",
    "Responsibility",
    "Role",
    "compare",
    "load_catalog",
    "lookup",
    "parse_compare",
    "resolve",
]
