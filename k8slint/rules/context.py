"""What a resource rule needs to know about the run besides the resource: where the user is going."""
from __future__ import annotations

from ..model import record, set_frozen
from ..versions import KubeVersion


@record(frozen=True)
class RuleContext:
    """What rules judge against: the target version, and the version the cluster runs now when known."""

    target: KubeVersion  # the version the manifests must work on
    current: KubeVersion | None = None  # the version the cluster runs today, when known

    def __init__(self, target, current=None):
        set_frozen(self, "target", target)
        set_frozen(self, "current", current)


def lifecycle_state(version: KubeVersion, deprecated: str | None, removed: str | None) -> str:
    """'removed', 'deprecated' or 'ok' for a record at `version`."""
    if removed and version >= KubeVersion.parse(removed):
        return "removed"
    if deprecated and version >= KubeVersion.parse(deprecated):
        return "deprecated"
    return "ok"
