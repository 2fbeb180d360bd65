"""Job pod failure policies as ValidateJobSpec checks them (validatePodFailurePolicy), for Jobs and the job
templates of CronJobs. From 1.26: on 1.25 the JobPodFailurePolicy gate was alpha and off, so the API server
dropped the field unread."""
from __future__ import annotations

from .base import Report, at_least, field, integer, items, mapping, rule, text

KINDS = frozenset({"Job", "CronJob"})

MAX_RULES = 20
MAX_PATTERNS = 20
MAX_EXIT_CODES = 255

INVALID_POD_FAILURE_POLICY = rule(
    "SRV048", "invalid-pod-failure-policy", "A Job podFailurePolicy the API server rejects",
    what="Checks a Job's (or CronJob job template's) `podFailurePolicy`, from 1.26: each rule has exactly one of "
         "`onExitCodes` and `onPodConditions`; exit code values are 1 to 255 of them, unique, in ascending order, "
         "never 0 with `In`, and `containerName` names a container or init container of the template; at most "
         "20 rules and 20 condition patterns per rule; the template's `restartPolicy` is `Never`.",
    why="The API server rejects the Job with `Invalid value: specifying one of OnExitCodes and OnPodConditions "
        "is required`, `must be ordered`, `must not be 0 for the In operator` or `only \"Never\" is supported "
        "when podFailurePolicy is specified`.",
    example="apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  podFailurePolicy:\n    rules:\n"
            "    - {action: FailJob}\n  template:\n    spec:\n      restartPolicy: Never\n"
            "      containers: [{name: main, image: bash}]\n",
    fix="Give every rule either `onExitCodes` (sorted, unique, non-zero values for `In`) or `onPodConditions`, "
        "and set the template's `restartPolicy: Never`.")

RULES = [INVALID_POD_FAILURE_POLICY]


def walk(resource, ctx, report: Report) -> None:
    if not at_least(ctx.target, 26):
        return
    path = ("spec", "jobTemplate", "spec") if resource.kind == "CronJob" else ("spec",)
    spec = resource.get(path)
    if not isinstance(spec, dict) or not isinstance(spec.get("podFailurePolicy"), dict):
        return
    pod = mapping(mapping(spec.get("template")).get("spec"))
    # other restart policies are SRV043's finding
    if pod.get("restartPolicy") == "OnFailure":
        report.invalid(INVALID_POD_FAILURE_POLICY, path + ("template", "spec", "restartPolicy"), "OnFailure",
                       'only "Never" is supported when podFailurePolicy is specified')
    names = {text(c.get("name")) for group in ("containers", "initContainers")
             for c in items(pod.get(group)) if isinstance(c, dict)}
    rules_path = path + ("podFailurePolicy", "rules")
    rules = items(spec["podFailurePolicy"].get("rules"))
    if len(rules) > MAX_RULES:
        report.add(INVALID_POD_FAILURE_POLICY, rules_path,
                   f"{field(rules_path)}: Too many: {len(rules)}: must have at most {MAX_RULES} items")
    for i, policy_rule in enumerate(rules):
        if isinstance(policy_rule, dict):
            _rule(policy_rule, rules_path + (i,), names, report)


def _rule(policy_rule: dict, path: tuple, names: set, report: Report) -> None:
    exit_codes = policy_rule.get("onExitCodes")
    patterns = items(policy_rule.get("onPodConditions"))
    if isinstance(exit_codes, dict):
        _exit_codes(exit_codes, path + ("onExitCodes",), names, report)
    if len(patterns) > MAX_PATTERNS:
        report.add(INVALID_POD_FAILURE_POLICY, path + ("onPodConditions",),
                   f"{field(path + ('onPodConditions',))}: Too many: {len(patterns)}: must have at most "
                   f"{MAX_PATTERNS} items")
    has_codes = exit_codes is not None
    if has_codes and patterns:
        report.add(INVALID_POD_FAILURE_POLICY, path, f"{field(path)}: Invalid value: specifying both "
                   "OnExitCodes and OnPodConditions is not supported")
    elif not has_codes and not patterns:
        report.add(INVALID_POD_FAILURE_POLICY, path, f"{field(path)}: Invalid value: specifying one of "
                   "OnExitCodes and OnPodConditions is required")


def _exit_codes(requirement: dict, path: tuple, names: set, report: Report) -> None:
    container = requirement.get("containerName")
    if isinstance(container, str) and container not in names:
        report.invalid(INVALID_POD_FAILURE_POLICY, path + ("containerName",), container,
                       "must be one of the container or initContainer names in the pod template")
    raw = requirement.get("values")
    if not isinstance(raw, list) and raw is not None:
        return  # the schema's finding
    values = [integer(v) for v in raw or []]
    if not values:
        report.invalid(INVALID_POD_FAILURE_POLICY, path + ("values",), "...", "at least one value is required")
    elif len(values) > MAX_EXIT_CODES:
        report.add(INVALID_POD_FAILURE_POLICY, path + ("values",), f"{field(path + ('values',))}: Too many: "
                   f"{len(values)}: must have at most {MAX_EXIT_CODES} items")
    seen: set = set()
    ordered = True
    for j, value in enumerate(values):
        if value is None:
            continue
        if requirement.get("operator") == "In" and value == 0:
            report.invalid(INVALID_POD_FAILURE_POLICY, path + ("values", j), 0, "must not be 0 for the In operator")
        if value in seen:
            report.duplicate(INVALID_POD_FAILURE_POLICY, path + ("values", j), value)
        seen.add(value)
        if j > 0 and values[j - 1] is not None and values[j - 1] > value:
            ordered = False
    if not ordered:
        report.invalid(INVALID_POD_FAILURE_POLICY, path + ("values",), "...", "must be ordered")
