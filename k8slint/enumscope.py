"""Where the API server does not check enumerated values that the embedded schemas carry.

An enum sits on a shared definition (PodSpec, PersistentVolumeClaimSpec, LabelSelectorRequirement), so it
holds wherever that definition is used; but an API server's validation does not run on every use. A value
outside the set there is accepted on create and only fails later, when a controller or the scheduler uses
it. Such a value is reported as a warning that says so, not as an error. Each entry below was checked
against the validation code of the versions it names (kubernetes `pkg/apis/*/validation`).
"""
from __future__ import annotations

_STATEFUL_SETS = frozenset({"apps/v1", "apps/v1beta1", "apps/v1beta2"})
_HPAS = frozenset({"autoscaling/v2", "autoscaling/v2beta1", "autoscaling/v2beta2", "autoscaling/v2alpha1"})
_METRIC_SELECTORS = frozenset({"selector", "metricSelector"})
_BETA_INGRESSES = frozenset({"extensions/v1beta1", "networking.k8s.io/v1beta1"})


def _rule_at(data, index):
    rules = data.get("spec", {}).get("rules") if isinstance(data.get("spec"), dict) else None
    return rules[index] if isinstance(rules, list) and isinstance(index, int) and index < len(rules) else None


def _after(path: tuple, key: str) -> tuple | None:
    """The part of path after the list `key` and its index (`volumes`, 3 -> what follows), or None."""
    for i in range(len(path) - 1):
        if path[i] == key and isinstance(path[i + 1], int):
            return path[i + 2:]
    return None


def unchecked(api_version: str, kind: str, path: tuple, version, data: dict) -> str | None:
    """Why the API server of `version` accepts any value at `path` of the object `data`, or None if it checks."""
    minor = (version.major, version.minor)
    if kind == "StatefulSet" and api_version in _STATEFUL_SETS and len(path) > 1 and path[0] == "spec":
        if path[1] == "volumeClaimTemplates":
            # ValidateStatefulSetSpec never validates the claim templates (1.7 to 1.37); the controller's
            # PersistentVolumeClaim create is what fails
            return ("the API server does not validate a StatefulSet's volumeClaimTemplates; the "
                    "StatefulSet controller's PersistentVolumeClaim create fails")
        if path[1:3] == ("template", "spec") and path[3:] != ("restartPolicy",):
            # ValidatePodTemplateSpecForStatefulSet checks the template's labels and annotations only
            # (restartPolicy is checked by ValidateStatefulSetSpec itself)
            return ("the API server checks only the labels, annotations and restartPolicy of a StatefulSet's "
                    "pod template; the StatefulSet controller's pod create fails")
    if kind == "HorizontalPodAutoscaler" and api_version in _HPAS and path[:2] == ("spec", "metrics"):
        if _METRIC_SELECTORS & set(p for p in path if isinstance(p, str)):
            # validateMetricIdentifier (and the v2beta1 sources) check the metric name, never its selector
            return "the API server does not validate metric selectors; the autoscaler fails to read the metric"
    if kind == "Ingress" and api_version in _BETA_INGRESSES and path[:2] == ("spec", "rules") and len(path) > 2:
        rule = _rule_at(data, path[2])
        host = rule.get("host") if isinstance(rule, dict) else None
        if isinstance(host, str) and "*" in host:
            # validateIngressRules skips the rule value of a wildcard host for the beta APIs (1.7-1.21)
            return "the API server does not validate the paths of a wildcard-host rule in a beta Ingress"
    if minor < (1, 27):
        spread = _after(path, "topologySpreadConstraints")
        if spread and spread[0] == "labelSelector":
            # validateTopologySpreadConstraints calls ValidateLabelSelector from 1.27 on
            return (f"the API server of {version} does not validate topologySpreadConstraints' labelSelector "
                    "(1.27 does); the scheduler fails on it")
    if minor >= (1, 29):
        source = _after(path, "sources")
        if source and source[0] == "clusterTrustBundle" and _after(path, "volumes"):
            # dropDisabledClusterTrustBundleProjection: alpha 1.29, beta 1.33, off by default (1.35's table)
            return (f"the API server of {version} drops clusterTrustBundle volume sources unchecked while the "
                    "ClusterTrustBundleProjection gate is off, as it is by default")
    if minor < (1, 21):
        volume = _after(path, "volumes")
        if volume and volume[0] == "ephemeral":
            # GenericEphemeralVolume: alpha in 1.19-1.20, the field is dropped unchecked while the gate is off
            return f"the API server of {version} drops ephemeral volumes unchecked (alpha, off by default)"
    return None
