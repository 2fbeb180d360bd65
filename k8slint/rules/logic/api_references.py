"""REF rules: apiVersions named inside objects, not at their top. Removing an API version breaks these too,
and more quietly than a manifest that no longer applies:

- REF001 api-reference-removed: an object reference (HPA scaleTargetRef and Object metric describedObject,
  VerticalPodAutoscaler targetRef, ownerReferences) names an apiVersion/kind the target no longer serves;
- REF002 admission-rule-matches-removed-version: an admission webhook rule or a ValidatingAdmissionPolicy
  match rule names a group/version/resource the target no longer serves: it silently matches nothing;
- REF003 rbac-rule-for-removed-resource: an RBAC rule grants a resource in an API group that no longer
  serves it at the target: the grant does nothing, and the new group is not granted;
- REF004 kustomize-target-removed-version: a kustomization's patch or replacement target selects a
  group/version/kind the target no longer serves: once the resources are migrated it selects nothing;
- REF005 local-apiservice-for-removed-version: a hand-made local APIService registers a built-in group
  version the target no longer serves.
"""
from __future__ import annotations

from functools import lru_cache

from ...model import RuleDoc, RuleMeta, Severity, finding_at, format_json_path
from .. import windows
from ..context import lifecycle_state

REF001 = RuleMeta(
    "REF001", "api-reference-removed", "An object reference names an API version the target no longer serves",
    Severity.ERROR,
    RuleDoc(
        what="Finds references to other objects by apiVersion and kind inside an object: a "
             "HorizontalPodAutoscaler's `spec.scaleTargetRef` and its Object metrics' `describedObject`, a "
             "VerticalPodAutoscaler's `spec.targetRef`, and `metadata.ownerReferences`, where that apiVersion "
             "and kind are removed in the target version.",
        why="The reference is resolved by the API server or a controller at run time: once the version is gone, "
            "an autoscaler can no longer read its target's scale (it stops scaling, with a `FailedGetScale` "
            "event), a metric lookup fails, and the garbage collector cannot resolve the owner. Nothing "
            "refuses the manifest when it is applied, so nobody notices.",
        example="apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n"
                "  scaleTargetRef: {apiVersion: extensions/v1beta1, kind: Deployment, name: web}\n"
                "  minReplicas: 2\n  maxReplicas: 10\n",
        fix="Name the version that serves the same object now: `apiVersion: apps/v1` for a Deployment.",
        fix_safety="Safe: the referenced object is the same, only the version it is read through changes. "
                   "`k8slint fix` writes the replacement served at the target (and at the running cluster "
                   "with --current-version)."),
    versions="from the removal of the referenced version", family="REF")

REF002 = RuleMeta(
    "REF002", "admission-rule-matches-removed-version",
    "An admission rule matches an API version the target no longer serves", Severity.ERROR,
    RuleDoc(
        what="Finds admission webhook `rules` and ValidatingAdmissionPolicy / MutatingAdmissionPolicy "
             "`matchConstraints.resourceRules` that name an API group and version whose resources the target "
             "no longer serves (for example `extensions/v1beta1` deployments).",
        why="A rule for a version that is gone matches nothing: the objects it was written to check are now "
            "created through another group or version, and the webhook or policy never sees them. With "
            "`matchPolicy: Equivalent` (the v1 default) the API server also sends requests for equivalent "
            "resources in other versions, but only while the rule names a version that exists; a rule "
            "naming only a removed version is an unnoticed gap in admission control.",
        example="apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
                "metadata: {name: images}\nwebhooks:\n  - name: images.example.com\n    sideEffects: None\n"
                "    admissionReviewVersions: [v1]\n    clientConfig: {service: {name: images, namespace: ops}}\n"
                "    rules:\n      - apiGroups: [extensions]\n        apiVersions: [v1beta1]\n"
                "        operations: [CREATE]\n        resources: [deployments]\n",
        fix="Add the group and version that serve the resource now (`apiGroups: [apps]`, `apiVersions: [v1]` "
            "for deployments) to the rule, or a rule of its own.",
        fix_safety="No automatic fix: which operations and resources the new rule should cover is a security "
                   "decision."),
    versions="from the removal of the matched version", family="REF")

REF003 = RuleMeta(
    "REF003", "rbac-rule-for-removed-resource",
    "An RBAC rule grants a resource its API group no longer serves", Severity.WARNING,
    RuleDoc(
        what="Finds Role and ClusterRole rules whose `apiGroups` and `resources` name a resource that no "
             "version of that group serves at the target (for example `deployments` in `extensions`).",
        why="RBAC matches the group of the request. After the migration, clients use the new group (`apps` "
            "for deployments): the old grant allows nothing and the new group is not granted, so the "
            "subjects lose access they had, or a rule meant to grant it was never updated.",
        example="apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: deployer}\n"
                "rules:\n  - apiGroups: [extensions]\n    resources: [deployments]\n    verbs: [get, update]\n",
        fix="Grant the resource in the group that serves it now (for deployments `apiGroups: [apps]`) and drop "
            "the old group once nothing uses it; a rule for a resource with no successor (PodSecurityPolicy) can "
            "simply go.",
        fix_safety="No automatic fix: a grant is a security decision."),
    versions="from the removal of the resource's last version in that group", family="REF")

REF004 = RuleMeta(
    "REF004", "kustomize-target-removed-version",
    "A kustomization patch or replacement selects an API version the target no longer serves", Severity.ERROR,
    RuleDoc(
        what="Reads kustomize's configuration (kustomization.yaml, kustomization.yml, Kustomization; "
             "`kustomize.config.k8s.io` Kustomization and Component documents, and builtin plugin "
             "configurations, `apiVersion: builtin`) and finds the selectors that "
             "name an API group and version: `patches[].target`, `patchesJson6902[].target`, "
             "`replacements[].source` and `replacements[].targets[].select` / `.reject`, where every "
             "group/version/kind the selector matches is removed in the target version. "
             "`patchesStrategicMerge` has no selector and is not read; nothing else of the file is validated "
             "(it is not a Kubernetes object).",
        why="kustomize applies a targeted patch, and a replacement's targets, to every resource that matches "
            "all the fields of the selector, and matching none is no error: once the resources are rewritten "
            "for a version the target serves (as they must be), a selector naming the removed version selects "
            "nothing and the patch or replacement is silently not applied; the rendered objects lack what the "
            "overlay was written to set (replicas, resources, an image) and nothing refuses them. A `reject` "
            "naming it excludes nothing any more, and a replacement `source` that selects nothing makes "
            "`kustomize build` fail.",
        example="apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [ingress.yaml]\n"
                "patches:\n  - path: tls.yaml\n    target:\n      group: extensions\n      version: v1beta1\n"
                "      kind: Ingress\n      name: web\n",
        fix="Select the group and version the resources are migrated to (`group: networking.k8s.io`, "
            "`version: v1` for an Ingress), together with the resources themselves.",
        fix_safety="Safe: `k8slint fix` writes the replacement served at the target (and at the running cluster "
                   "with --current-version), the same one it writes into the resources: the version, and the "
                   "group when it changes (only the group for a selector that names no version)."),
    versions="from the removal of the selected version", family="REF")


AUTOMANAGED_LABEL = "kube-aggregator.kubernetes.io/automanaged"

REF005 = RuleMeta(
    "REF005", "local-apiservice-for-removed-version",
    "A local APIService registers a built-in group version the target no longer serves", Severity.WARNING,
    RuleDoc(
        what="Finds APIService objects without `spec.service` (served by the kube-apiserver itself) whose "
             "`spec.group`/`spec.version` is a built-in group version the target no longer serves (for "
             "example `v1beta1.extensions` at 1.22 or later). APIServices labelled "
             "`kube-aggregator.kubernetes.io/automanaged` (`true` or `onstart`: what a cluster dump holds) are "
             "skipped, and so are APIServices with a `spec.service` (an extension server may serve any group).",
        why="The API server registers an APIService for every built-in group version by itself, labelled "
            "`kube-aggregator.kubernetes.io/automanaged`, and its autoregister controller deletes a labelled one "
            "once the group version is gone. An APIService without that label is left alone: the API server "
            "neither refuses it (its validation does not know which groups are built in) nor removes it, so "
            "after the upgrade it keeps registering a group version whose requests the kube-apiserver answers "
            "with 404 Not Found. Clients that read the API discovery (kubectl, Helm, the namespace and garbage "
            "collection controllers) can then report the group version as failed. A manifest that applies one "
            "by hand was written to pin a group version that is now gone.",
        example="apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.extensions}\n"
                "spec:\n  group: extensions\n  version: v1beta1\n  groupPriorityMinimum: 17900\n"
                "  versionPriority: 1\n",
        fix="Delete the APIService (`kubectl delete apiservice v1beta1.extensions`) and drop it from the "
            "manifests: the API server registers the group versions it serves by itself.",
        fix_safety="No automatic fix: removing an object from the manifests and from the cluster is a person's "
                   "decision."),
    versions="from the removal of the registered group version", family="REF")


def _removed(api_version: str, kind: str, target) -> dict | None:
    """The API record of apiVersion/kind when it is removed at `target`, else None."""
    record = windows.records().get((api_version, kind))
    if record is None or lifecycle_state(target, record.get("deprecated"), record.get("removed")) != "removed":
        return None
    return record


def reference_places(resource) -> list:
    """(json path of the apiVersion, apiVersion, kind) of every object reference in the resource."""
    out = []
    owners = resource.metadata.get("ownerReferences") if isinstance(resource.metadata, dict) else None
    for i, owner in enumerate(owners if isinstance(owners, list) else []):
        if isinstance(owner, dict):
            out.append((("metadata", "ownerReferences", i, "apiVersion"), owner.get("apiVersion"), owner.get("kind")))
    spec = resource.data.get("spec") if isinstance(resource.data.get("spec"), dict) else {}
    if resource.kind == "HorizontalPodAutoscaler":
        target = spec.get("scaleTargetRef")
        if isinstance(target, dict):
            out.append((("spec", "scaleTargetRef", "apiVersion"), target.get("apiVersion"), target.get("kind")))
        for i, metric in enumerate(spec.get("metrics") if isinstance(spec.get("metrics"), list) else []):
            obj = metric.get("object") if isinstance(metric, dict) and isinstance(metric.get("object"), dict) else {}
            for key in ("describedObject", "target"):  # describedObject in v2beta2/v2, target in v2beta1
                ref = obj.get(key)
                if isinstance(ref, dict) and "kind" in ref:
                    out.append((("spec", "metrics", i, "object", key, "apiVersion"), ref.get("apiVersion"),
                                ref.get("kind")))
    elif resource.kind == "VerticalPodAutoscaler":
        target = spec.get("targetRef")
        if isinstance(target, dict):
            out.append((("spec", "targetRef", "apiVersion"), target.get("apiVersion"), target.get("kind")))
    return [(p, a, k) for p, a, k in out if isinstance(a, str) and isinstance(k, str)]


def check_references(resource, ctx):
    for path, api_version, kind in reference_places(resource):
        record = _removed(api_version, kind, ctx.target)
        if record is None:
            continue
        pick = windows.choose(api_version, kind, ctx.target, ctx.current) or windows.choose(api_version, kind,
                                                                                            ctx.target)
        use = f"; use {pick[0]}" if pick else "; no version serves it any more"
        yield finding_at(resource, REF001.id, REF001.severity,
                         f"{format_json_path(path[:-1])} names {kind} {api_version}, removed in "
                         f"{record['removed']}{use}", path, suggestion=REF001.docs.fix,
                         extra={"replacement": pick[0] if pick else None, "removed_in": record["removed"],
                                "kind": kind})


def plural(kind: str) -> str:
    """The resource name of a kind, the way the API server forms it for the built-in kinds."""
    low = kind.lower()
    if low.endswith("y"):
        return low[:-1] + "ies"
    if low.endswith(("s", "x", "ch", "sh")):
        return low + "es"
    return low + "s"


def _gone(group: str, version: str, resource: str, target) -> str | None:
    """The kind a group/version/resource stood for when the target no longer serves it there, else None."""
    api_version = f"{group}/{version}" if group else version
    base = resource.split("/", 1)[0]
    for (av, kind) in windows.records():
        if av == api_version and plural(kind) == base and _removed(av, kind, target) is not None \
                and not windows.serves(av, kind, target):
            return kind
    return None


def _rule_lists(resource) -> list:
    """(json path, rule) of every admission rule of the object."""
    out = []
    if resource.kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        hooks = resource.data.get("webhooks")
        for i, hook in enumerate(hooks if isinstance(hooks, list) else []):
            rules = hook.get("rules") if isinstance(hook, dict) else None
            for j, rule in enumerate(rules if isinstance(rules, list) else []):
                out.append((("webhooks", i, "rules", j), rule))
    elif resource.kind in ("ValidatingAdmissionPolicy", "MutatingAdmissionPolicy"):
        spec = resource.data.get("spec") if isinstance(resource.data.get("spec"), dict) else {}
        match = spec.get("matchConstraints") if isinstance(spec.get("matchConstraints"), dict) else {}
        for key in ("resourceRules", "excludeResourceRules"):
            rules = match.get(key)
            for j, rule in enumerate(rules if isinstance(rules, list) else []):
                out.append((("spec", "matchConstraints", key, j), rule))
    return [(p, r) for p, r in out if isinstance(r, dict)]


def _strings(value) -> list:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def check_admission(resource, ctx):
    for path, rule in _rule_lists(resource):
        gone = []
        for group in _strings(rule.get("apiGroups")):
            for version in _strings(rule.get("apiVersions")):
                for res in _strings(rule.get("resources")):
                    kind = _gone(group, version, res, ctx.target)
                    if kind is not None:
                        gone.append((group, version, res, kind))
        if not gone:
            continue
        group, version, res, kind = gone[0]
        api_version = f"{group}/{version}" if group else version
        pick = windows.choose(api_version, kind, ctx.target)
        instead = f"; {kind} is served as {pick[0]} now: add that group and version to the rule" if pick else ""
        names = ", ".join(f"{g}/{v} {r}" for g, v, r, _ in gone)
        removed = min((windows.records()[(f"{g}/{v}" if g else v, k)]["removed"] for g, v, _, k in gone),
                      key=lambda r: tuple(int(x) for x in r.split(".")))
        yield finding_at(resource, REF002.id, REF002.severity,
                         f"admission rule matches {names}, which Kubernetes {ctx.target} no longer serves: it "
                         f"matches nothing there{instead}", path, suggestion=REF002.docs.fix,
                         extra={"removed_in": removed})


def check_rbac(resource, ctx):
    if resource.kind not in ("Role", "ClusterRole") or not str(resource.api_version).startswith(
            "rbac.authorization.k8s.io/"):
        return
    rules = resource.data.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        seen = set()
        for group in _strings(rule.get("apiGroups")):
            for res in _strings(rule.get("resources")):
                kind = _gone_from_group(group, res, ctx.target)
                if kind is None or (group, kind) in seen:
                    continue
                seen.add((group, kind))
                removed = max((windows.records()[(av, kind)].get("removed") or "0.0" for av in
                               _versions_of(group, kind)), key=lambda r: tuple(int(x) for x in r.split(".")))
                now = sorted({pick[0].rsplit("/", 1)[0] for av in _versions_of(group, kind)
                              for pick in [windows.choose(av, kind, ctx.target)] if pick})
                also = f"; grant it in {', '.join(now)}" if now else "; the rule can go"
                yield finding_at(resource, REF003.id, REF003.severity,
                                 f"rules[{i}] grants {res} in API group {group!r}, which serves no version of "
                                 f"{kind} in Kubernetes {ctx.target}: the grant allows nothing{also}",
                                 ("rules", i), suggestion=REF003.docs.fix, extra={"removed_in": removed})


def _versions_of(group: str, kind: str) -> list:
    return sorted(av for (av, k) in windows.records() if k == kind and av.startswith(group + "/"))


@lru_cache(maxsize=4096)
def _gone_from_group(group: str, resource: str, target) -> str | None:
    """The kind `resource` of `group` stood for when no version of the group serves it at the target.
    Memoised: it scans every API record, and RBAC rules grant the same few (group, resource) pairs over and
    over; the answer depends on the static tables and the target only."""
    if not group or group == "*" or resource == "*":
        return None
    base = resource.split("/", 1)[0]
    pairs = set(windows.records()) | set(windows.known_pairs())
    kinds = {k for (av, k) in windows.records() if av.startswith(group + "/") and plural(k) == base}
    for kind in sorted(kinds):
        versions = [av for (av, k) in pairs if k == kind and av.startswith(group + "/")]
        if any(_removed(av, kind, target) for av in versions) and \
                not any(windows.serves(av, kind, target) for av in versions):
            return kind
    return None


check_admission.kinds = frozenset({"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
                                   "ValidatingAdmissionPolicy", "MutatingAdmissionPolicy"})
check_rbac.kinds = frozenset({"Role", "ClusterRole"})


# ----------------------------------------------------------------------------------------------- kustomize

def kustomize_selectors(resource) -> list:
    """(json path, selector) of every kustomize selector of a kustomization that names a kind."""
    data = resource.data
    out = []
    for key in ("patches", "patchesJson6902"):
        items = data.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                out.append(((key, i, "target"), item.get("target")))
    items = data.get("replacements")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        out.append((("replacements", i, "source"), item.get("source")))
        targets = item.get("targets")
        for j, target in enumerate(targets if isinstance(targets, list) else []):
            if not isinstance(target, dict):
                continue
            out.append((("replacements", i, "targets", j, "select"), target.get("select")))
            rejects = target.get("reject")
            for k, reject in enumerate(rejects if isinstance(rejects, list) else []):
                out.append((("replacements", i, "targets", j, "reject", k), reject))
    return [(p, s) for p, s in out if isinstance(s, dict) and isinstance(s.get("kind"), str) and s["kind"]
            and isinstance(s.get("group", ""), str) and isinstance(s.get("version", ""), str)]


def selected_removed(selector: dict, target) -> list:
    """The removed (apiVersion, kind) pairs a kustomize selector matches when nothing it matches is served
    at `target` (kustomize: an absent or empty group or version matches any), else []."""
    kind, group, version = selector["kind"], selector.get("group") or "", selector.get("version") or ""
    if not group and not version:
        return []  # selects by kind alone: still matches the migrated resources
    pairs = set(windows.records()) | set(windows.known_pairs())
    matched = [av for (av, k) in pairs if k == kind and (not group or _group_of(av) == group)
               and (not version or av.rsplit("/", 1)[-1] == version)]
    if not matched or any(windows.serves(av, kind, target) for av in matched):
        return []
    return sorted((av, kind) for av in matched if _removed(av, kind, target) is not None)


def _group_of(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def check_kustomization(resource, ctx):
    for path, selector in kustomize_selectors(resource):
        gone = selected_removed(selector, ctx.target)
        if not gone:
            continue
        api_version, kind = gone[0]
        record = windows.records()[gone[0]]
        pick = windows.choose(api_version, kind, ctx.target, ctx.current) or windows.choose(api_version, kind,
                                                                                            ctx.target)
        use = f"; select {pick[0]}" if pick else "; no version serves it any more"
        where = next((path + (k,) for k in ("version", "group") if selector.get(k)), path + ("kind",))
        effect = ("it excludes nothing and the replacement reaches them" if "reject" in path
                  else "nothing is selected and kustomize build fails" if path[-1] == "source"
                  else "kustomize silently skips it")
        yield finding_at(resource, REF004.id, REF004.severity,
                         f"{format_json_path(path)} selects {kind} {api_version}, removed in {record['removed']}: "
                         f"resources written for a version Kubernetes {ctx.target} serves do not match it, so "
                         f"{effect}{use}", where, suggestion=REF004.docs.fix,
                         extra={"replacement": pick[0] if pick else None, "removed_in": record["removed"],
                                "kind": kind})


check_kustomization.reads_kustomizations = True  # run on kustomize's configuration only (engine)


# ----------------------------------------------------------------------------------------------- APIService

# Kinds every group version's schema carries (options, watch events): served with it, no resource of it.
_META_KINDS = frozenset({"DeleteOptions", "WatchEvent", "Status", "ListOptions", "GetOptions", "CreateOptions",
                         "PatchOptions", "UpdateOptions", "ExportOptions"})


def removed_group_version(api_version: str, target) -> str | None:
    """The version that removed the built-in group version `api_version` when no kind of it is served at
    `target` any more (the last of its kinds to go), else None."""
    kinds = {k for (av, k) in set(windows.records()) | set(windows.known_pairs())
             if av == api_version and k not in _META_KINDS and not k.endswith("List")}
    if not kinds or any(windows.serves(api_version, k, target) for k in kinds):
        return None
    removals = [r["removed"] for (av, k), r in windows.records().items()
                if av == api_version and _removed(av, k, target) is not None]
    return max(removals, key=lambda r: tuple(int(x) for x in r.split("."))) if removals else None


def check_apiservice(resource, ctx):
    if not str(resource.api_version).startswith("apiregistration.k8s.io/"):
        return
    labels = resource.metadata.get("labels") if isinstance(resource.metadata.get("labels"), dict) else {}
    if AUTOMANAGED_LABEL in labels:
        return  # registered by the API server itself, which deletes it once the group version is gone
    spec = resource.data.get("spec") if isinstance(resource.data.get("spec"), dict) else {}
    group, version = spec.get("group"), spec.get("version")
    if spec.get("service") is not None or not isinstance(group, str) or not group or not isinstance(version, str):
        return  # an extension server may serve any group version
    removed = removed_group_version(f"{group}/{version}", ctx.target)
    if removed is None:
        return
    yield finding_at(resource, REF005.id, REF005.severity,
                     f"local APIService for {group}/{version}, a built-in group version removed in {removed}: "
                     f"Kubernetes {ctx.target} serves nothing there and, as the APIService is not labelled "
                     f"{AUTOMANAGED_LABEL}, does not remove it either; delete it", ("spec", "version"),
                     suggestion=REF005.docs.fix, extra={"removed_in": removed})


check_apiservice.kinds = frozenset({"APIService"})
