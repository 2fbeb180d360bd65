"""Validating and mutating webhook configurations as the admissionregistration API server checks them in v1:
webhook names, side effects, timeouts, admission review versions, the client config and the rules."""
from __future__ import annotations

from urllib.parse import urlsplit

from .. import apisyntax as syntax
from .base import Report, integer, items, rule, text

KINDS = frozenset({"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"})

_VWC = ("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
        "metadata: {name: policy}\nwebhooks:\n- name: %s\n  admissionReviewVersions: [v1]\n  sideEffects: %s\n"
        "  clientConfig: {service: {name: policy, namespace: policy-system}}\n")

INVALID_WEBHOOK = rule(
    "SRV150", "invalid-admission-webhook", "An admission webhook the API server rejects",
    what="Checks every webhook of an admissionregistration.k8s.io/v1 Validating- or MutatingWebhookConfiguration: "
         "a unique, fully qualified `name` (a DNS subdomain of at least three segments); `sideEffects` `None` or "
         "`NoneOnDryRun` (v1 takes no `Unknown` or `Some`); `timeoutSeconds` from 1 to 30; "
         "`admissionReviewVersions` not empty, without duplicates, naming `v1` or `v1beta1`; a `clientConfig` "
         "with exactly one of `url` (https, a host, no user, query or fragment) and `service` (a name, a "
         "namespace, a port 1-65535 and a path of DNS-subdomain segments); and `rules` whose operations, API "
         "groups, versions and resources are not empty, with `*` alone where it is used.",
    why="The API server rejects the configuration with `webhooks[0].name: Invalid value: \"policy\": should be a "
        "domain with at least three segments separated by dots`, `webhooks[0].sideEffects: Unsupported value: "
        "\"Unknown\"` and similar answers. Operator manifests written for admissionregistration v1beta1 hit the "
        "v1 rules when they are moved to v1.",
    example=_VWC % ("policy", "Unknown"),
    fix="Name webhooks like `validate.policy.example.com`, declare `sideEffects: None` (or `NoneOnDryRun`), keep "
        "timeouts within 30 seconds and call the webhook over https or through a Service.")

RULES = [INVALID_WEBHOOK]

SIDE_EFFECTS = ["None", "NoneOnDryRun"]
REVIEW_VERSIONS = ("v1", "v1beta1")
OPERATIONS = ("*", "CREATE", "UPDATE", "DELETE", "CONNECT")
FORM = "; desired format: https://host[/path]"


def walk(resource, ctx, report: Report) -> None:
    if resource.api_version != "admissionregistration.k8s.io/v1":
        return  # v1beta1 took other side effects and defaults
    names: set = set()
    for i, hook in enumerate(items(resource.data.get("webhooks"))):
        if isinstance(hook, dict):
            _check_webhook(hook, ("webhooks", i), names, report)


def _check_webhook(hook: dict, path: tuple, names: set, report: Report) -> None:
    name = text(hook.get("name"))
    if name:
        problems = syntax.dns1123_subdomain(name)
        if problems:
            report.invalid(INVALID_WEBHOOK, path + ("name",), name, ",".join(problems))
        elif len(name.split(".")) < 3:
            report.invalid(INVALID_WEBHOOK, path + ("name",), name,
                           "should be a domain with at least three segments separated by dots")
        if name in names:
            report.duplicate(INVALID_WEBHOOK, path + ("name",), name)
        names.add(name)
    effects = hook.get("sideEffects")
    if isinstance(effects, str) and effects not in SIDE_EFFECTS:
        report.unsupported(INVALID_WEBHOOK, path + ("sideEffects",), effects, SIDE_EFFECTS)
    timeout = integer(hook.get("timeoutSeconds"))
    if timeout is not None and not 1 <= timeout <= 30:
        report.invalid(INVALID_WEBHOOK, path + ("timeoutSeconds",), timeout,
                       "the timeout value must be between 1 and 30 seconds")
    _check_review_versions(hook.get("admissionReviewVersions"), path + ("admissionReviewVersions",), report)
    config = hook.get("clientConfig")
    if isinstance(config, dict):
        _check_client_config(config, path + ("clientConfig",), report)
    for j, entry in enumerate(items(hook.get("rules"))):
        if isinstance(entry, dict):
            _check_rule(entry, path + ("rules", j), report)


def _check_review_versions(versions, path: tuple, report: Report) -> None:
    if versions is not None and not isinstance(versions, list):
        return
    if not versions:
        report.required(INVALID_WEBHOOK, path, "must specify one of v1, v1beta1")
        return
    seen: set = set()
    for i, version in enumerate(versions):
        if not isinstance(version, str):
            continue
        if version in seen:
            report.invalid(INVALID_WEBHOOK, path + (i,), version, "duplicate version")
            continue
        seen.add(version)
        for msg in syntax.dns1035_label(version):
            report.invalid(INVALID_WEBHOOK, path + (i,), version, msg)
    if not seen & set(REVIEW_VERSIONS):
        report.invalid(INVALID_WEBHOOK, path, "...", "must include at least one of v1, v1beta1")


def _check_client_config(config: dict, path: tuple, report: Report) -> None:
    url, service = config.get("url"), config.get("service")
    if (url is None) == (service is None):
        report.required(INVALID_WEBHOOK, path, "exactly one of url or service is required")
    elif isinstance(url, str):
        _check_url(url, path + ("url",), report)
    elif isinstance(service, dict):
        _check_service(service, path + ("service",), report)


def _check_url(url: str, path: tuple, report: Report) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as err:
        report.required(INVALID_WEBHOOK, path, f"url must be a valid URL: {err}{FORM}")
        return
    if parts.scheme != "https":
        report.invalid(INVALID_WEBHOOK, path, parts.scheme, "'https' is the only allowed URL scheme" + FORM)
    if not parts.netloc.rpartition("@")[2]:
        report.invalid(INVALID_WEBHOOK, path, url, "host must be specified" + FORM)
    if "@" in parts.netloc:
        report.invalid(INVALID_WEBHOOK, path, url, "user information is not permitted in the URL")
    if parts.fragment or url.endswith("#"):
        report.invalid(INVALID_WEBHOOK, path, url, "fragments are not permitted in the URL")
    if parts.query:
        report.invalid(INVALID_WEBHOOK, path, url, "query parameters are not permitted in the URL")


def _check_service(service: dict, path: tuple, report: Report) -> None:
    for key in ("name", "namespace"):
        if service.get(key) in (None, ""):
            report.required(INVALID_WEBHOOK, path + (key,), f"service {key} is required")
    port = integer(service.get("port"))
    if port is not None:
        for msg in syntax.port_number(port):
            report.invalid(INVALID_WEBHOOK, path + ("port",), port, f"port is not valid: {msg}")
    url_path = text(service.get("path"))
    if not url_path or url_path == "/":
        return
    if url_path == "//":
        report.invalid(INVALID_WEBHOOK, path + ("path",), url_path, "segment[0] may not be empty")
        return
    if not url_path.startswith("/"):
        report.invalid(INVALID_WEBHOOK, path + ("path",), url_path, "must start with a '/'")
    steps = url_path[1:]
    steps = steps[:-1] if steps.endswith("/") else steps
    for i, step in enumerate(steps.split("/")):
        if not step:
            report.invalid(INVALID_WEBHOOK, path + ("path",), url_path, f"segment[{i}] may not be empty")
            continue
        for msg in syntax.dns1123_subdomain(step):
            report.invalid(INVALID_WEBHOOK, path + ("path",), url_path, f"segment[{i}]: {msg}")


def _check_rule(entry: dict, path: tuple, report: Report) -> None:
    operations = entry.get("operations")
    if isinstance(operations, list):
        if not operations:
            report.required(INVALID_WEBHOOK, path + ("operations",), "")
        for i, op in enumerate(operations):
            if isinstance(op, str) and op not in OPERATIONS:
                report.unsupported(INVALID_WEBHOOK, path + ("operations", i), op, list(OPERATIONS))
        if "*" in operations and len(operations) > 1:
            report.invalid(INVALID_WEBHOOK, path + ("operations",), "...",
                           "if '*' is present, must not specify other operations")
    for key in ("apiGroups", "apiVersions", "resources"):
        values = entry.get(key)
        if not isinstance(values, list):
            continue
        if not values:
            report.required(INVALID_WEBHOOK, path + (key,), "")
        elif "*" in values and len(values) > 1 and key != "resources":
            report.invalid(INVALID_WEBHOOK, path + (key,), "...",
                           "if '*' is present, must not specify other " + {"apiGroups": "API groups",
                                                                             "apiVersions": "API versions"}[key])
    scope = entry.get("scope")
    if isinstance(scope, str) and scope not in ("*", "Cluster", "Namespaced"):
        report.unsupported(INVALID_WEBHOOK, path + ("scope",), scope, ["*", "Cluster", "Namespaced"])
