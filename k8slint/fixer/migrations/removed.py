"""Fields the target removed that an earlier release knew (SCH002 findings with `extra["last_known"]`, see
k8slint.removedfields): kubectl refuses them at the target, so the fix drops them.

Dropping is safe where the field never did anything a manifest relies on: `metadata.clusterName` (the API
server ignored it on create and update), `managedFields` entries and `status` (written by the server, not
by the manifest). Elsewhere the field may still act on a cluster up to its last release (an ephemeral
volume's alpha `readOnly`), so dropping it is unsafe.
"""
from __future__ import annotations

from ...model import format_json_path
from ...removedfields import removed_fields
from ...rules import windows
from ...versions import KubeVersion
from . import SAFE, UNSAFE, Migration, NoFix, Proposal


def _server_owned_or_ignored(path: tuple) -> bool:
    return path[:1] == ("status",) or "managedFields" in path or path[-2:] == ("metadata", "clusterName")


def drop_removed_field(resource, finding, ctx):
    """Drop a field the target removed (safe where it never acted: clusterName, managedFields, status)."""
    # as written, or as migrated when the target no longer serves the object's apiVersion
    kinds = [(resource.api_version, resource.kind), windows.choose(resource.api_version, resource.kind, ctx.target)]
    found = [path for api_version, kind in filter(None, kinds)
             for path, _ in removed_fields(ctx.store).find(ctx.target, api_version, kind, resource.data)
             if format_json_path(path) == finding.json_path]
    if not found:
        raise NoFix(f"{finding.json_path} is not a field Kubernetes {ctx.target} removed")
    path, last = found[0], finding.extra["last_known"]
    gone = KubeVersion.parse(last).next()

    def run(ed):
        ed.delete(path)
        return [f"dropped {finding.json_path}: Kubernetes {gone} removed it ({last} was the last version to know it)"]

    safe = _server_owned_or_ignored(path)
    because = "" if safe else (f"{finding.json_path} may still act on a cluster up to Kubernetes {last}; check that "
                               f"nothing relies on it there (from {gone} on it is refused)")
    return Proposal(finding.rule_id, f"drop {finding.json_path}", SAFE if safe else UNSAFE, run,
                    unsafe_because=because, manual=f"Delete {finding.json_path}.", path=path)


REMOVED_FIELD = Migration("drop_removed_field", UNSAFE, drop_removed_field, (drop_removed_field.__doc__ or "").strip())
