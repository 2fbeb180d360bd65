"""Workload controllers as the apps and batch API servers check them: selectors and template labels, the
template's restartPolicy, counts that may not be negative, rollout strategies, Job selectors and modes.

The pod spec inside each template is the `pods` module's; this one checks what surrounds it.
"""
from __future__ import annotations

from .base import Report, at_least, field, integer, items, looks_dumped, mapping, rule, text
from .metadata import check_labels, check_template_meta
from .pods import INVALID_POD_FIELD, POD_SPEC_PATHS

_CONTROLLERS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ReplicationController")
KINDS = frozenset(_CONTROLLERS + ("Job", "CronJob"))

_DEPLOY = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n")
_TEMPLATE = ("  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n")

EMPTY_SELECTOR = rule(
    "SRV040", "workload-selector-required", "A workload's selector is missing or selects everything",
    what="Finds Deployments, ReplicaSets, DaemonSets and StatefulSets whose `spec.selector` is empty (`{}`), "
         "and Jobs with `manualSelector: true` but no selector.",
    why="An empty selector would adopt every pod of the namespace; the API server rejects it with `empty "
        "selector is invalid for deployment` (or `Required value`).",
    example=_DEPLOY + "  selector: {}\n" + _TEMPLATE,
    fix="Select the template's labels: `selector: {matchLabels: {app: web}}`.")
SELECTOR_MISMATCH = rule(
    "SRV041", "selector-does-not-match-template", "A workload's selector does not select its own pod template",
    what="Evaluates `spec.selector` (matchLabels and matchExpressions) against the template's labels for "
         "Deployments, ReplicaSets, DaemonSets, StatefulSets, ReplicationControllers and Jobs with a manual "
         "selector.",
    why="The controller could never find the pods it creates; the API server rejects the object with "
        "``spec.template.metadata.labels: Invalid value: ...: `selector` does not match template `labels` ``.",
    example=_DEPLOY + "  selector: {matchLabels: {app: website}}\n" + _TEMPLATE,
    fix="Make the template carry every label the selector asks for (and none its expressions exclude).")
INVALID_SELECTOR = rule(
    "SRV042", "invalid-label-selector", "A label selector expression the API server rejects",
    what="Checks every `matchExpressions` entry of workload selectors: `In` and `NotIn` need values, `Exists` "
         "and `DoesNotExist` take none, and the key is a valid label key. An operator other than these four "
         "is a schema error (SCH001), which names them.",
    why="The API server rejects the object with `Required value`, `Forbidden` or `Invalid value`.",
    example=_DEPLOY + "  selector:\n    matchExpressions: [{key: app, operator: Exists, values: [web]}]\n"
            + _TEMPLATE,
    fix="Drop `values` for Exists/DoesNotExist, give In/NotIn at least one value, use a valid label key.")
RESTART_POLICY = rule(
    "SRV043", "workload-restart-policy", "A pod template restartPolicy its controller does not allow",
    what="Checks the template's `restartPolicy`: `Always` (the default) for Deployments, ReplicaSets, "
         "DaemonSets, StatefulSets and ReplicationControllers; `OnFailure` or `Never` for Jobs and CronJobs, "
         "which must set it (the default, Always, is refused).",
    why="The API server rejects the object with `spec.template.spec.restartPolicy: Unsupported value`.",
    example="apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec:\n"
            "      containers: [{name: migrate, image: app}]\n",
    fix="Jobs and CronJobs: set `restartPolicy: OnFailure` or `Never`. Controllers: remove restartPolicy or set "
        "`Always`.")
NEGATIVE_COUNT = rule(
    "SRV044", "negative-workload-count", "A workload count or duration below its minimum",
    what="Checks `replicas`, `minReadySeconds`, `revisionHistoryLimit`, `progressDeadlineSeconds` (also above "
         "minReadySeconds), a StatefulSet's rolling update `partition` (and from 1.27 `ordinals.start`), Job `parallelism`, `completions`, `backoffLimit`, `activeDeadlineSeconds`, "
         "`ttlSecondsAfterFinished`, CronJob `startingDeadlineSeconds` and history limits; and that "
         "controllers do not set the template's `activeDeadlineSeconds`.",
    why="The API server rejects the object with `must be greater than or equal to 0` (or `Forbidden`).",
    example=_DEPLOY + "  replicas: -1\n  selector: {matchLabels: {app: web}}\n" + _TEMPLATE,
    fix="Use 0 or a positive number.")
ROLLOUT_STRATEGY = rule(
    "SRV045", "invalid-rollout-strategy", "maxSurge and maxUnavailable values the API server rejects",
    what="Checks Deployment and DaemonSet rolling updates: each value a non-negative integer or a percentage "
         "(`25%`), maxUnavailable at most 100%, not both 0 (and for DaemonSets not both above 0, counting "
         "the default maxUnavailable of 1); and no `rollingUpdate` under a `Recreate` strategy. StatefulSets: "
         "no `rollingUpdate` under `OnDelete` (the default type of apps/v1beta1), and from 1.27 "
         "`persistentVolumeClaimRetentionPolicy` values `Retain` or `Delete`.",
    why="A rollout with nothing to surge and nothing to take down could never progress; the API server rejects "
        "it with `may not be 0 when maxSurge is 0` and similar answers.",
    example=_DEPLOY + "  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n"
            "  selector: {matchLabels: {app: web}}\n" + _TEMPLATE,
    fix="Allow at least one of them to be above 0, e.g. `maxSurge: 1, maxUnavailable: 0`.")
JOB_SELECTOR = rule(
    "SRV046", "job-selector-not-generated", "A Job sets spec.selector without manualSelector: true",
    what="Finds Jobs (and CronJob job templates) written with a `spec.selector` but without `manualSelector: "
         "true`. Jobs read back from a cluster are not reported.",
    why="The API server generates a Job's selector from its uid; a hand-written one is refused with "
        "``spec.selector: Invalid value: ...: `selector` not auto-generated``.",
    example="apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  selector: {matchLabels: "
            "{app: migrate}}\n  template:\n    metadata: {labels: {app: migrate}}\n    spec:\n"
            "      restartPolicy: Never\n      containers: [{name: migrate, image: app}]\n",
    fix="Remove `spec.selector` (and let the API server generate it), or set `manualSelector: true` if you "
        "really manage the pods' labels yourself.")
JOB_COMPLETIONS = rule(
    "SRV047", "indexed-job-needs-completions", "An Indexed Job without completions",
    what="Finds Jobs with `completionMode: Indexed` and no `completions`, or a `parallelism` above 100000; "
         "from 1.22 (on 1.21 the IndexedJob gate is alpha, off, and the API server drops the field).",
    why="Each index needs a count to run up to; the API server rejects the Job with `spec.completions: "
        "Required value: when completion mode is Indexed`.",
    example="apiVersion: batch/v1\nkind: Job\nmetadata: {name: shards}\nspec:\n  completionMode: Indexed\n"
            "  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: s, image: app}]\n",
    fix="Set `completions` to the number of indexes (and `parallelism` to at most 100000).",
    versions="1.22 and later")

RULES = [EMPTY_SELECTOR, SELECTOR_MISMATCH, INVALID_SELECTOR, RESTART_POLICY, NEGATIVE_COUNT, ROLLOUT_STRATEGY,
         JOB_SELECTOR, JOB_COMPLETIONS]
REPORTS = [INVALID_POD_FIELD]  # a template without a pod spec: the pods module never sees one


def walk(resource, ctx, report: Report) -> None:
    kind = resource.kind
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    if kind == "CronJob":
        _check_cronjob_counts(spec, report)
        job = mapping(spec.get("jobTemplate"))
        check_template_meta(job.get("metadata"), ("spec", "jobTemplate", "metadata"), report)
        job_spec = job.get("spec")
        if isinstance(job_spec, dict):
            _check_job(job_spec, ("spec", "jobTemplate", "spec"), report, dumped=looks_dumped(resource),
                       version=ctx.target)
    elif kind == "Job":
        # extensions/v1beta1 Jobs took a hand-written selector unless autoSelector was set
        _check_job(spec, ("spec",), report, dumped=looks_dumped(resource) or resource.api_version != "batch/v1",
                   version=ctx.target)
    else:
        _check_controller(kind, spec, report, ctx.target)
        if kind == "StatefulSet":
            _check_statefulset(spec, resource.api_version, report, ctx.target)
    _template_without_pod_spec(resource, report)


_RETENTION = ("Retain", "Delete")
MAX_INDEXED_PARALLELISM = 100_000  # maxParallelismForIndexedJob: caps the length of status.completedIndexes


def _check_statefulset(spec: dict, api_version: str, report: Report, version) -> None:
    """ValidateStatefulSetSpec beyond selector and template: the update strategy (the default type is OnDelete
    in apps/v1beta1, RollingUpdate after), a partition >= 0; from 1.27 (their gates beta, on) ordinals.start
    >= 0 and the claim retention policies Retain or Delete (empty ones are defaulted to Retain)."""
    path = ("spec", "updateStrategy")
    strategy = mapping(spec.get("updateStrategy"))
    kind = strategy.get("type") or ("OnDelete" if api_version == "apps/v1beta1" else "RollingUpdate")
    rolling = strategy.get("rollingUpdate")
    if kind == "OnDelete" and rolling is not None:
        report.invalid(ROLLOUT_STRATEGY, path + ("rollingUpdate",), "...",
                       "only allowed for updateStrategy 'RollingUpdate'")
    elif kind == "RollingUpdate" and isinstance(rolling, dict):
        _nonnegative(rolling, ("partition",), path + ("rollingUpdate",), report)
    if not at_least(version, 27):
        return
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        _nonnegative(ordinals, ("start",), ("spec", "ordinals"), report)
    policy = spec.get("persistentVolumeClaimRetentionPolicy")
    for key in ("whenDeleted", "whenScaled"):
        value = mapping(policy).get(key)
        if isinstance(value, str) and value and value not in _RETENTION:
            report.unsupported(ROLLOUT_STRATEGY, ("spec", "persistentVolumeClaimRetentionPolicy", key), value,
                               list(_RETENTION))


def _template_without_pod_spec(resource, report: Report) -> None:
    """A template with no `spec` (`template: {}`) is validated as an empty pod spec, which has no containers.
    Not StatefulSets (their API server checks only the template's metadata) nor a ReplicationController
    without a template (the schema's or the defaults' business)."""
    path = POD_SPEC_PATHS.get(resource.kind)
    if path is None:
        return
    template = resource.get(path[:-1])
    if template.__class__ is dict and template.get(path[-1]) is None:
        report.add(INVALID_POD_FIELD, path[:-1], f"{field(path + ('containers',))}: Required value")


def _nonnegative(spec: dict, keys, path: tuple, report: Report) -> None:
    get = spec.get
    for key in keys:
        value = get(key)
        if value.__class__ is int and value < 0:
            report.invalid(NEGATIVE_COUNT, path + (key,), value, "must be greater than or equal to 0")


def _check_controller(kind: str, spec: dict, report: Report, version) -> None:
    path = ("spec",)
    _nonnegative(spec, ("replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"),
                 path, report)
    if kind == "Deployment":
        deadline, ready = integer(spec.get("progressDeadlineSeconds")), integer(spec.get("minReadySeconds")) or 0
        if deadline is not None and deadline >= 0 and deadline <= ready:
            report.invalid(NEGATIVE_COUNT, path + ("progressDeadlineSeconds",), deadline,
                           "must be greater than minReadySeconds")
    template = spec.get("template")
    selector = spec.get("selector")
    tmeta = mapping(mapping(template).get("metadata"))
    labels = tmeta.get("labels")
    if kind == "ReplicationController":
        # a ReplicationController's selector is a plain map, and defaults to the template's labels
        if isinstance(selector, dict) and selector and isinstance(labels, dict) and _all_strings(selector):
            if any(labels.get(k) != v for k, v in selector.items()):
                report.invalid(SELECTOR_MISMATCH, path + ("template", "metadata", "labels"), "...",
                               "`selector` does not match template `labels`")
    elif isinstance(selector, dict):
        check_label_selector(selector, path + ("selector",), report)
        if not mapping(selector.get("matchLabels")) and not items(selector.get("matchExpressions")) \
                and all(k in ("matchLabels", "matchExpressions") for k in selector):
            report.invalid(EMPTY_SELECTOR, path + ("selector",), "...",
                           f"empty selector is invalid for {kind.lower()}")
        elif isinstance(template, dict) and _selects(selector, labels if isinstance(labels, dict) else {}) is False:
            report.invalid(SELECTOR_MISMATCH, path + ("template", "metadata", "labels"), "...",
                           "`selector` does not match template `labels`")
    if isinstance(template, dict):
        check_template_meta(template.get("metadata"), path + ("template", "metadata"), report)
        pod = mapping(template.get("spec"))
        policy = pod.get("restartPolicy")
        if isinstance(policy, str) and policy not in ("", "Always"):
            report.unsupported(RESTART_POLICY, path + ("template", "spec", "restartPolicy"), policy, ["Always"])
        if pod.get("activeDeadlineSeconds") is not None:
            report.forbidden(NEGATIVE_COUNT, path + ("template", "spec", "activeDeadlineSeconds"),
                             f"activeDeadlineSeconds in {kind} is not Supported")
    if kind == "Deployment":
        _check_deployment_strategy(mapping(spec.get("strategy")), path + ("strategy",), report)
    elif kind == "DaemonSet" and at_least(version, 22):
        _check_daemonset_strategy(mapping(spec.get("updateStrategy")), path + ("updateStrategy",), report)


def _all_strings(mapping_: dict) -> bool:
    return all(isinstance(k, str) and isinstance(v, str) for k, v in mapping_.items())


def check_label_selector(selector: dict, path: tuple, report: Report) -> None:
    """matchExpressions as ValidateLabelSelector checks them (matchLabels are labels: see metadata)."""
    check_labels(selector.get("matchLabels"), path + ("matchLabels",), report)
    for i, expr in enumerate(items(selector.get("matchExpressions"))):
        if not isinstance(expr, dict):
            continue
        op, values = expr.get("operator"), expr.get("values")
        where = path + ("matchExpressions", i)
        if not isinstance(op, str) or (values is not None and not isinstance(values, list)):
            continue
        if op in ("In", "NotIn"):
            if not values:
                report.required(INVALID_SELECTOR, where + ("values",),
                                "must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                report.forbidden(INVALID_SELECTOR, where + ("values",),
                                 "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        # any other operator: the schema's enum reports it (SCH001, naming the four), in every version
        key = text(expr.get("key"))
        if key is not None:
            from ..apisyntax import qualified_name
            for msg in qualified_name(key):
                report.invalid(INVALID_SELECTOR, where + ("key",), key, msg)


def _selects(selector: dict, labels: dict):
    """Does the selector select these labels? None when it cannot be evaluated (odd types)."""
    match = selector.get("matchLabels")
    if match is not None:
        if not isinstance(match, dict) or not _all_strings(match):
            return None
        if any(labels.get(k) != v for k, v in match.items()):
            return False
    for expr in items(selector.get("matchExpressions")):
        if not isinstance(expr, dict):
            return None
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if not isinstance(key, str) or not isinstance(values, list):
            return None
        has = key in labels
        if op == "In":
            if not (has and labels[key] in values):
                return False
        elif op == "NotIn":
            if has and labels[key] in values:
                return False
        elif op == "Exists":
            if not has:
                return False
        elif op == "DoesNotExist":
            if has:
                return False
        else:
            return None
    return True


def _percent_or_int(value, path: tuple, report: Report, limit_100: bool):
    """The number an IntOrString stands for (percent or count), or None (reported when invalid)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value < 0:
            report.invalid(ROLLOUT_STRATEGY, path, value, "must be greater than or equal to 0")
            return None
        return value
    if isinstance(value, str):
        if not (value.endswith("%") and value[:-1].isdigit() and value[:-1].isascii()):
            report.invalid(ROLLOUT_STRATEGY, path, value, "a valid percent string must be a numeric string "
                           "followed by an ending '%' (e.g. '1%' or '93%', regex used for validation is "
                           "'[0-9]+%')")
            return None
        number = int(value[:-1])
        if limit_100 and number > 100:
            report.invalid(ROLLOUT_STRATEGY, path, value, "must not be greater than 100%")
        return number
    return None


def _check_deployment_strategy(strategy: dict, path: tuple, report: Report) -> None:
    kind = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    if kind == "Recreate":
        if rolling is not None:
            report.forbidden(ROLLOUT_STRATEGY, path + ("rollingUpdate",),
                             "may not be specified when strategy `type` is 'Recreate'")
        return
    if kind not in (None, "RollingUpdate") or not isinstance(rolling, dict):
        return
    rpath = path + ("rollingUpdate",)
    unavailable = _percent_or_int(rolling.get("maxUnavailable"), rpath + ("maxUnavailable",), report, True)
    surge = _percent_or_int(rolling.get("maxSurge"), rpath + ("maxSurge",), report, False)
    # a missing value defaults to 25%, so only two explicit zeros stall the rollout
    if unavailable == 0 and surge == 0:
        report.invalid(ROLLOUT_STRATEGY, rpath + ("maxUnavailable",), rolling.get("maxUnavailable"),
                       "may not be 0 when `maxSurge` is 0")


def _check_daemonset_strategy(strategy: dict, path: tuple, report: Report) -> None:
    if strategy.get("type") not in (None, "RollingUpdate"):
        return
    rolling = strategy.get("rollingUpdate")
    if not isinstance(rolling, dict):
        return
    rpath = path + ("rollingUpdate",)
    raw_unavailable, raw_surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
    unavailable = _percent_or_int(raw_unavailable, rpath + ("maxUnavailable",), report, True)
    surge = _percent_or_int(raw_surge, rpath + ("maxSurge",), report, True)
    if (raw_unavailable is not None and unavailable is None) or (raw_surge is not None and surge is None):
        return  # already reported, or of a type the schema reports
    unavailable = 1 if raw_unavailable is None else unavailable  # the defaults: maxUnavailable 1, maxSurge 0
    surge = 0 if raw_surge is None else surge
    if unavailable and surge:
        report.invalid(ROLLOUT_STRATEGY, rpath + ("maxSurge",), raw_surge,
                       "may not be set when maxUnavailable is non-zero"
                       + (" (maxUnavailable defaults to 1)" if raw_unavailable is None else ""))
    elif not unavailable and not surge:
        report.required(ROLLOUT_STRATEGY, rpath + ("maxUnavailable",), "cannot be 0 when maxSurge is 0")


def _check_job(spec: dict, path: tuple, report: Report, dumped: bool, version) -> None:
    _nonnegative(spec, ("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds",
                        "ttlSecondsAfterFinished"), path, report)
    template = mapping(spec.get("template"))
    check_template_meta(template.get("metadata"), path + ("template", "metadata"), report)
    pod = template.get("spec")
    if isinstance(pod, dict):
        policy = pod.get("restartPolicy")
        if policy in (None, "") or (isinstance(policy, str) and policy not in ("OnFailure", "Never")):
            shown_policy = policy or "Always"
            report.unsupported(RESTART_POLICY, path + ("template", "spec", "restartPolicy"), shown_policy,
                               ["OnFailure", "Never"],
                               suggestion=None if policy else "restartPolicy is not set, so it defaults to "
                               "Always, which a Job refuses: set `restartPolicy: OnFailure` or `Never`.")
    # completionMode from 1.22 (IndexedJob beta, on); on 1.21 the alpha gate is off and the field dropped
    if spec.get("completionMode") == "Indexed" and at_least(version, 22):
        if spec.get("completions") is None:
            report.required(JOB_COMPLETIONS, path + ("completions",), "when completion mode is Indexed")
        parallelism = integer(spec.get("parallelism"))
        if parallelism is not None and parallelism > MAX_INDEXED_PARALLELISM:
            report.invalid(JOB_COMPLETIONS, path + ("parallelism",), parallelism,
                           f"must be less than or equal to {MAX_INDEXED_PARALLELISM} when completion mode is Indexed")
    manual = spec.get("manualSelector") is True
    selector = spec.get("selector")
    if manual:
        if selector is None:
            report.required(EMPTY_SELECTOR, path + ("selector",))
        elif isinstance(selector, dict):
            check_label_selector(selector, path + ("selector",), report)
            labels = mapping(template.get("metadata")).get("labels")
            if _selects(selector, labels if isinstance(labels, dict) else {}) is False:
                report.invalid(SELECTOR_MISMATCH, path + ("template", "metadata", "labels"), "...",
                               "`selector` does not match template `labels`")
    elif isinstance(selector, dict) and selector and not dumped:
        report.invalid(JOB_SELECTOR, path + ("selector",), "...", "`selector` not auto-generated")


def _check_cronjob_counts(spec: dict, report: Report) -> None:
    _nonnegative(spec, ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"),
                 ("spec",), report)
