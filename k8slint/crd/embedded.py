"""What the API server checks of an embedded resource (a node with x-kubernetes-embedded-resource) in a
custom resource or a default, beside its schema (apiextensions-apiserver's objectmeta validation):
apiVersion and kind present, strings, not empty, apiVersion a group/version, kind a DNS-1035 label in
any case, metadata an object whose labels and annotations are maps of strings. ObjectMeta's rules on that
metadata are apiserver.metadata's (check_embedded_metas), which the engine runs on what normalise found."""
from __future__ import annotations

from ..apisyntax import dns1035_label


def resource_problems(value: dict) -> list:
    """[(field, message)] in the API server's words, for one embedded resource."""
    out = []
    for key in ("apiVersion", "kind"):
        if key not in value:
            out.append((key, "Required value"))
        elif not isinstance(value[key], str):
            out.append((key, f"Invalid value: {_shown(value[key])}: must be a string"))
        elif not value[key]:
            out.append((key, 'Invalid value: "": must not be empty'))
    api_version, kind = value.get("apiVersion"), value.get("kind")
    if isinstance(api_version, str) and api_version.count("/") > 1:
        out.append(("apiVersion", f'Invalid value: "{api_version}": unexpected GroupVersion string: {api_version}'))
    if isinstance(kind, str) and kind:
        errors = dns1035_label(kind.lower())
        if errors:
            out.append(("kind", f'Invalid value: "{kind}": may have mixed case, but should otherwise match: '
                                + ",".join(errors)))
    if "metadata" in value:
        meta = value["metadata"]
        if not isinstance(meta, dict):
            out.append(("metadata", f"Invalid value: {_shown(meta)}: must be an object"))
        else:
            for key in ("labels", "annotations"):
                entries = meta.get(key)
                if entries is not None and not (isinstance(entries, dict)
                                                and all(isinstance(v, str) for v in entries.values())):
                    out.append(("metadata", f"Invalid value: {key} must be a map of strings"))
    return out


def _shown(value) -> str:
    import json
    try:
        return json.dumps(value)[:80]
    except (TypeError, ValueError):  # pragma: no cover - YAML values are JSON values
        return repr(value)[:80]

