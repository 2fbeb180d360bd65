"""Where a container's environment comes from, beyond `env[].name` and `valueFrom`'s shape (the `pods`
module's): `envFrom` entries (ValidateEnvFrom: a prefix that is a valid variable name, one source, a source
name) and the keys `configMapKeyRef` and `secretKeyRef` read (validateConfigMapKeySelector and
validateSecretKeySelector). Serves Pods and every kind whose pod template the API server validates; reported
as SRV031 (names) and SRV032 (sources).
"""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, at_least, field, items, mapping
from .pods import INVALID_ENV_NAME, INVALID_ENV_SOURCE, POD_SPEC_PATHS

KINDS = frozenset(POD_SPEC_PATHS)
RULES: list = []
REPORTS = [INVALID_ENV_NAME, INVALID_ENV_SOURCE]

_GROUPS = ("containers", "initContainers", "ephemeralContainers")


def walk(resource, ctx, report: Report) -> None:
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    relaxed = at_least(ctx.target, 32)
    for group in _GROUPS:
        for i, container in enumerate(items(spec.get(group))):
            if container.__class__ is not dict:
                continue
            if container.get("envFrom"):
                _env_from(container.get("envFrom"), path + (group, i, "envFrom"), report, relaxed)
            if container.get("env"):
                _key_refs(container.get("env"), path + (group, i, "env"), report)


def _env_from(sources, path: tuple, report: Report, relaxed: bool) -> None:
    for i, source in enumerate(items(sources)):
        if source.__class__ is not dict:
            continue
        prefix = source.get("prefix")
        if isinstance(prefix, str) and prefix:
            for msg in syntax.env_var_name(prefix, relaxed):
                report.invalid(INVALID_ENV_NAME, path + (i, "prefix"), prefix, msg)
        given = [k for k in ("configMapRef", "secretRef") if source.get(k) is not None]
        # the API server names the whole envFrom list in these two answers
        if not given and not any(isinstance(v, dict) for k, v in source.items() if k != "prefix"):
            report.add(INVALID_ENV_SOURCE, path + (i,), f"{field(path)}: Invalid value: \"\": must specify one "
                       "of: `configMapRef` or `secretRef`")
        elif len(given) > 1:
            report.add(INVALID_ENV_SOURCE, path + (i, given[1]), f"{field(path)}: Invalid value: \"\": may not "
                       "have more than one field specified at a time")
        for kind in given:
            ref = source.get(kind)
            if ref.__class__ is not dict:
                continue
            name = ref.get("name")
            if name in (None, ""):
                report.required(INVALID_ENV_SOURCE, path + (i, kind, "name"))
            elif isinstance(name, str):
                for msg in syntax.name_is_subdomain(name, prefix=True):
                    report.invalid(INVALID_ENV_SOURCE, path + (i, kind, "name"), name, msg)


def _key_refs(env, path: tuple, report: Report) -> None:
    for i, var in enumerate(items(env)):
        source = mapping(var).get("valueFrom")
        if source.__class__ is not dict:
            continue
        for kind in ("configMapKeyRef", "secretKeyRef"):
            ref = source.get(kind)
            if ref.__class__ is not dict:
                continue
            key = ref.get("key")
            where = path + (i, "valueFrom", kind, "key")
            if key in (None, ""):
                report.required(INVALID_ENV_SOURCE, where)
            elif isinstance(key, str):
                for msg in syntax.config_map_key(key):
                    report.invalid(INVALID_ENV_SOURCE, where, key, msg)
