"""What a container's environment may read from the downward API (validateObjectFieldSelector and
validateContainerResourceFieldSelector for env): the pod fields and the container resources it names. Pure
functions returning the API server's complaints, like `syntax`; `pods` reports them."""
from __future__ import annotations

import re

from .. import apisyntax as syntax
from ..lazyre import lazy
from .base import at_least

_ENV_FIELDS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
               "status.hostIP", "status.podIP", "status.podIPs")
_SUBSCRIPTED = lazy(r"(metadata\.(?:labels|annotations))\['(.*)'\]", re.S)
_RESOURCES = frozenset({"limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu",
                        "requests.memory", "requests.ephemeral-storage"})


def env_field_paths(version) -> tuple:
    """status.hostIPs from 1.29 (PodHostIPs on by default)."""
    return _ENV_FIELDS + (("status.hostIPs",) if at_least(version, 29) else ())


def field_path_problems(path: str, version) -> tuple:
    """(message, supported values or None) pairs for an env fieldRef.fieldPath."""
    subscripted = _SUBSCRIPTED.fullmatch(path)
    if subscripted:
        field, key = subscripted.groups()
        checked = key.lower() if field == "metadata.annotations" else key
        return tuple((msg, None) for msg in syntax.qualified_name(checked))
    if "[" in path:
        return (("does not support subscript", None),)
    supported = env_field_paths(version)
    return () if path in supported else ((None, supported),)


def resource_problems(resource: str) -> tuple:
    """Supported values for an env resourceFieldRef.resource it is not one of (empty when it is)."""
    if resource in _RESOURCES or resource.startswith(("limits.hugepages-", "requests.hugepages-")):
        return ()
    return tuple(sorted(_RESOURCES))
