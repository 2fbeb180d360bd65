"""RBAC objects as the rbac API server checks them: policy rules, role references and subjects."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, items, mapping, rule
from .workloads import INVALID_SELECTOR, check_label_selector

KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
_GROUP = "rbac.authorization.k8s.io"

INVALID_RULE = rule(
    "SRV110", "invalid-rbac-rule", "A Role or ClusterRole rule the API server rejects",
    what="Checks every rule: `verbs` not empty; a resource rule names `apiGroups` and `resources`; a "
         "`nonResourceURLs` rule names no resources and appears only in ClusterRoles; a ClusterRole's "
         "`aggregationRule` has at least one `clusterRoleSelectors` entry.",
    why="The API server rejects the role with `verbs: Required value: verbs must contain at least one value` "
        "and similar answers.",
    example="apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader}\nrules:\n"
            "- resources: [pods]\n  verbs: [get, list]\n",
    fix="Add `apiGroups: [\"\"]` for the core group (or the resources' group), and at least one verb.")
INVALID_BINDING = rule(
    "SRV111", "invalid-rbac-binding", "A RoleBinding or ClusterRoleBinding reference the API server rejects",
    what="Checks `roleRef` (apiGroup rbac.authorization.k8s.io, kind Role or ClusterRole — only ClusterRole for "
         "ClusterRoleBindings —, a name) and every subject (a name; ServiceAccounts with no apiGroup and, in "
         "ClusterRoleBindings, a namespace; Users and Groups in the rbac group).",
    why="The API server rejects the binding with `roleRef.kind: Unsupported value` and similar answers.",
    example="apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: ci}\n"
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\n"
            "subjects:\n- {kind: ServiceAccount, name: ci}\n",
    fix="Give ServiceAccount subjects of ClusterRoleBindings their namespace; reference roles by kind and name "
        "in the rbac.authorization.k8s.io group.")

RULES = [INVALID_RULE, INVALID_BINDING]
REPORTS = [INVALID_SELECTOR]  # the aggregation selectors are label selectors


def walk(resource, ctx, report: Report) -> None:
    # v1beta1 (served until 1.22) has v1's shape and validation; v1alpha1 subjects name an apiVersion instead
    if resource.api_version not in (f"{_GROUP}/v1", f"{_GROUP}/v1beta1"):
        return
    kind = resource.kind
    if kind in ("Role", "ClusterRole"):
        for i, policy in enumerate(items(resource.data.get("rules"))):
            if isinstance(policy, dict):
                _check_rule(policy, ("rules", i), report, namespaced=kind == "Role")
        aggregation = resource.data.get("aggregationRule")
        if kind == "ClusterRole" and isinstance(aggregation, dict):
            selectors = aggregation.get("clusterRoleSelectors")
            if not items(selectors) and (selectors is None or isinstance(selectors, list)):
                report.required(INVALID_RULE, ("aggregationRule", "clusterRoleSelectors"),
                                "at least one clusterRoleSelector required if aggregationRule is non-nil")
            for i, selector in enumerate(items(selectors)):
                check_label_selector(mapping(selector), ("aggregationRule", "clusterRoleSelectors", i), report)
    else:
        _check_binding(resource.data, report, namespaced=kind == "RoleBinding")


def _present(policy: dict, key: str) -> bool:
    value = policy.get(key)
    return isinstance(value, list) and len(value) > 0


def _check_rule(policy: dict, path: tuple, report: Report, namespaced: bool) -> None:
    if any(policy.get(k) is not None and not isinstance(policy.get(k), list)
           for k in ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")):
        return
    if not _present(policy, "verbs"):
        report.required(INVALID_RULE, path + ("verbs",), "verbs must contain at least one value")
    if _present(policy, "nonResourceURLs"):
        if namespaced:
            report.invalid(INVALID_RULE, path + ("nonResourceURLs",), "...",
                           "namespaced rules cannot apply to non-resource URLs")
        if any(_present(policy, k) for k in ("apiGroups", "resources", "resourceNames")):
            report.invalid(INVALID_RULE, path + ("nonResourceURLs",), "...",
                           "rules cannot apply to both regular resources and non-resource URLs")
        return
    if not _present(policy, "apiGroups"):
        report.required(INVALID_RULE, path + ("apiGroups",), "resource rules must supply at least one api group")
    if not _present(policy, "resources"):
        report.required(INVALID_RULE, path + ("resources",), "resource rules must supply at least one resource")


def _check_binding(data: dict, report: Report, namespaced: bool) -> None:
    ref = data.get("roleRef")
    if isinstance(ref, dict):
        group, kind, name = ref.get("apiGroup"), ref.get("kind"), ref.get("name")
        if isinstance(group, str) and group != _GROUP:
            report.unsupported(INVALID_BINDING, ("roleRef", "apiGroup"), group, [_GROUP])
        allowed = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
        if isinstance(kind, str) and kind not in allowed:
            report.unsupported(INVALID_BINDING, ("roleRef", "kind"), kind, allowed)
        if name in (None, ""):
            report.required(INVALID_BINDING, ("roleRef", "name"))
        elif isinstance(name, str):
            for msg in syntax.path_segment_name(name):
                report.invalid(INVALID_BINDING, ("roleRef", "name"), name, msg)
    for i, subject in enumerate(items(data.get("subjects"))):
        if not isinstance(subject, dict):
            continue
        path = ("subjects", i)
        kind, name, group = subject.get("kind"), subject.get("name"), subject.get("apiGroup")
        if name in (None, ""):
            report.required(INVALID_BINDING, path + ("name",))
        if kind == "ServiceAccount":
            if isinstance(name, str) and name:
                for msg in syntax.dns1123_subdomain(name):
                    report.invalid(INVALID_BINDING, path + ("name",), name, msg)
            if isinstance(group, str) and group:
                report.unsupported(INVALID_BINDING, path + ("apiGroup",), group, [""])
            if not namespaced and subject.get("namespace") in (None, ""):
                report.required(INVALID_BINDING, path + ("namespace",))
        elif kind in ("User", "Group"):
            if isinstance(group, str) and group not in ("", _GROUP):
                report.unsupported(INVALID_BINDING, path + ("apiGroup",), group, [_GROUP])
        elif isinstance(kind, str):
            report.unsupported(INVALID_BINDING, path + ("kind",), kind, ["ServiceAccount", "User", "Group"])



