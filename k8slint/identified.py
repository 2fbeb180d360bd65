"""Did the schema step identify an object? Only then do the API server's own checks (SRV) apply to it.

An unknown kind of a built-in group (SCH004) is refused before any validation runs, and a custom resource
whose CRD is not in the input (SCH005, "not validated") may not be a Kubernetes object at all: a kind cluster
config, a conformance report, a KRM function's configuration. Judging either by the API server's rules
(`metadata.name` required ...) only adds findings about a file nobody applies, or a cascade after the one
finding that matters.
"""
from __future__ import annotations

from .validation import NO_SCHEMA_FOR_CUSTOM_RESOURCE, UNKNOWN_KIND

UNIDENTIFIED = frozenset({UNKNOWN_KIND, NO_SCHEMA_FOR_CUSTOM_RESOURCE})


def identified(validator, resource, validated) -> bool:
    """`validated`: the validator's findings for the object, or None when it did not run (no schema rule
    enabled). Without them, or when missing schemas are not reported, the object counts as identified when
    a CRD or an embedded schema describes its kind, or a schema location may."""
    if validated is not None and not validator.ignore_missing_schemas:
        return not any(f.rule_id in UNIDENTIFIED for f in validated)
    key = (resource.api_version, resource.kind)
    return (key in validator.crds or validator.catalog is not None
            or validator.store.definition_name(validator.version, *key) is not None)
