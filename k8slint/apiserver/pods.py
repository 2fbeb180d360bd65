"""Pod specs as the API server checks them (ValidatePodSpec): containers, ports, volumes and their mounts,
resources, environment variables and probes. Serves Pods and every kind that embeds a pod template.

Enumerated values (restartPolicy, imagePullPolicy, protocol ...) are left to the schema checks, which know
the values each version lists; this module checks what the schema cannot say.
"""
from __future__ import annotations

from decimal import ROUND_CEILING

from . import downward_api
from .. import apisyntax as syntax
from ..lazyre import lazy
from .base import Report, at_least, field, integer, items, looks_dumped, mapping, rule, shown, text
from .metadata import INVALID_LABEL, check_labels

# where the pod spec sits in each kind whose validation checks it. Not StatefulSet: its API server checks
# only the template's labels and annotations (the pods fail later, when the controller creates them).
POD_SPEC_PATHS = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
KINDS = frozenset(POD_SPEC_PATHS)


def pod_annotations(resource) -> tuple:
    """(path, annotations) of the pod's metadata annotations (a template's for workloads), or (path, None)
    when there are none to judge."""
    path = POD_SPEC_PATHS[resource.kind][:-1] + ("metadata", "annotations")
    annotations = resource.get(path)
    return path, annotations if annotations.__class__ is dict and annotations else None

_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"

INVALID_CONTAINER_NAME = rule(
    "SRV020", "invalid-container-name", "A container without a name or with a name that is not a DNS-1123 label",
    what="Checks the `name` of every container and init container: required, a DNS-1123 label (at most 63 "
         "lower-case alphanumerics and '-').",
    why="The API server rejects the pod (or the workload) with `name: Required value` or `Invalid value`.",
    example=_POD + "  - {name: Web_Server, image: nginx}\n",
    fix="Name the container with lower-case letters, digits and '-'.")
DUPLICATE_CONTAINER_NAME = rule(
    "SRV021", "duplicate-container-name", "Two containers of a pod share a name",
    what="Finds container names used twice across `containers`, `initContainers` and `ephemeralContainers`.",
    why="Containers are addressed by name (logs, exec, status); the API server rejects the pod with "
        "`Duplicate value`.",
    example=_POD + "  - {name: app, image: nginx}\n  - {name: app, image: busybox}\n",
    fix="Give every container of the pod its own name.")
IMAGE_REQUIRED = rule(
    "SRV022", "container-image-required", "A container without an image, or a Pod's image padded with spaces",
    what="Finds containers and init containers without `image` (or with an empty one), and (from 1.8) images "
         "of a Pod's containers with leading or trailing whitespace.",
    why="The API server rejects the pod with `image: Required value`: there is nothing to run; or with `must "
        "not have leading or trailing whitespace` (the reference cannot be pulled).",
    example=_POD + "  - name: app\n",
    fix="Set `image` to the container image to run.")
INVALID_PORT = rule(
    "SRV023", "invalid-container-port", "A container or host port outside 1-65535, or a host port bound twice",
    what="Checks `containerPort` (1-65535) and `hostPort` (0 or 1-65535) of every container port, and that "
         "no two containers bind the same host port (protocol, hostIP, hostPort); with `hostNetwork: true` a "
         "host port equals its container port.",
    why="The API server rejects the pod with `Invalid value: must be between 1 and 65535, inclusive` or "
        "`hostPort: Duplicate value: \"TCP//8080\"`.",
    example=_POD + "  - name: app\n    image: nginx\n    ports: [{containerPort: 80800}]\n",
    fix="Use a port number between 1 and 65535.")
INVALID_PORT_NAME = rule(
    "SRV024", "invalid-port-name", "A port name that is not an IANA service name",
    what="Checks container port names: at most 15 lower-case alphanumerics and '-', at least one letter, no "
         "'--', not starting or ending with '-'; and that a container does not name two ports alike.",
    why="Services and probes refer to ports by these names; the API server rejects the pod with "
        "`Invalid value` or `Duplicate value`.",
    example=_POD + "  - name: app\n    image: nginx\n    ports: [{name: http_web, containerPort: 80}]\n",
    fix="Use a short lower-case name such as `http` or `metrics`.")
INVALID_VOLUME = rule(
    "SRV025", "invalid-volume", "A volume without a valid unique name, with more than one source, or a bad source",
    what="Checks every pod volume: `name` required, a DNS-1123 label, unique in the pod; at most one volume "
         "source (`configMap`, `secret`, `emptyDir` ...); inside it, the ConfigMap, Secret or claim it names, "
         "`defaultMode` and item modes within 0-0777, item keys and relative item paths without '..', a "
         "`hostPath` path without '..', a non-negative emptyDir `sizeLimit`; downward API files with a path and "
         "one of `fieldRef` (a pod field a volume may hold: name, namespace, uid, labels, annotations) or "
         "`resourceFieldRef` (naming its container and a container resource); in a projected volume one kind per "
         "source, no file path used twice across sources, and (from 1.12) service account tokens with a "
         "relative `path` and an `expirationSeconds` of at least 600; from 1.21 generic ephemeral volumes with a "
         "`volumeClaimTemplate` whose metadata holds only labels and annotations (the claim spec itself is "
         "SRV120's), a Pod's claim name `<pod>-<volume>` valid, and no claim volume naming such a claim.",
    why="The API server rejects the pod with `Required value`, `Invalid value`, `Duplicate value` or "
        "`Forbidden: may not specify more than 1 volume type`.",
    example=_POD + "  - {name: app, image: nginx}\n  volumes:\n  - {name: data, emptyDir: {}}\n"
                   "  - {name: data, configMap: {name: settings}}\n",
    fix="Give each volume its own name and one source; split a volume with two sources in two.")
UNKNOWN_VOLUME = rule(
    "SRV026", "volume-mount-unknown-volume", "A volumeMount names a volume the pod does not declare",
    what="Finds `volumeMounts` whose `name` is not one of the pod's `volumes`, and (from 1.13) `volumeDevices` "
         "that name no volume, or one that is not a claim (`persistentVolumeClaim`, or `ephemeral` from 1.21).",
    why="The API server rejects the pod with `volumeMounts[0].name: Not found`.",
    example=_POD + "  - name: app\n    image: nginx\n    volumeMounts: [{name: data, mountPath: /data}]\n",
    fix="Declare the volume under `spec.volumes`, or correct the mount's name.")
INVALID_MOUNT = rule(
    "SRV027", "invalid-volume-mount", "A volumeMount without a mountPath, with a repeated one, or a bad subPath",
    what="Checks every volume mount: `mountPath` required and unique in the container; `subPath` and "
         "`subPathExpr` relative, without '..', and not both; `mountPropagation: Bidirectional` only in a "
         "privileged container; from 1.31 `recursiveReadOnly: Enabled` or `IfPossible` only on `readOnly` mounts "
         "without mount propagation; and (from 1.13) every volume device: a unique name and `devicePath` without "
         "'..', neither also used by a volumeMount of the container.",
    why="The API server rejects the pod with `Required value`, `Invalid value: must be unique`, `must be a "
        "relative path` or `must not contain '..'`.",
    example=_POD + "  - name: app\n    image: nginx\n    volumeMounts: [{name: data, mountPath: ''}]\n"
                   "  volumes: [{name: data, emptyDir: {}}]\n",
    fix="Give every mount its own absolute `mountPath`; keep `subPath` inside the volume.")
INVALID_QUANTITY = rule(
    "SRV028", "invalid-quantity", "A resource quantity the API server cannot read",
    what="Checks container `resources.requests` and `resources.limits` values (and pod `overhead`): numbers "
         "with an optional suffix (`m`, `k`, `M`, `G`, `Ki`, `Mi`, `Gi` ... or an exponent), not negative.",
    why="The API server refuses the whole object: `quantities must match the regular expression ...` (for "
        "`1Gb`, `1.5 Gi`, `abc`), or `must be greater than or equal to 0`.",
    example=_POD + "  - name: app\n    image: nginx\n    resources: {limits: {memory: 1Gb}}\n",
    fix="Write quantities like `500m`, `2`, `512Mi`, `1Gi` (binary suffixes end in `i`; `K` is written `k`).")
REQUESTS_ABOVE_LIMITS = rule(
    "SRV029", "requests-exceed-limits", "A container requests more of a resource than its limit",
    what="Compares every resource's request with its limit in each container; extended resources "
         "(`nvidia.com/gpu`) and huge pages need a limit equal to the request.",
    why="The API server rejects the pod with `Invalid value: must be less than or equal to cpu limit`, `must "
        "be equal to ... limit` or `Limit must be set for non overcommitable resources`.",
    example=_POD + "  - name: app\n    image: nginx\n    resources: {requests: {cpu: '2'}, limits: {cpu: '1'}}\n",
    fix="Lower the request or raise the limit (a request without a limit defaults to the limit).")
INVALID_HUGE_PAGES = rule(
    "SRV056", "invalid-huge-pages", "Huge pages without cpu or memory, or not a whole number of pages",
    what="Checks the `hugepages-<size>` entries of container `requests` and `limits`: the container must also "
         "request or limit `cpu` or `memory` (from 1.10), and each amount must be a whole number of pages of "
         "that size (from 1.21).",
    why="The API server rejects the pod with `resources: Forbidden: HugePages require cpu or memory` or "
        "`Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi`.",
    example=_POD + "  - name: app\n    image: nginx\n    resources: {limits: {hugepages-2Mi: 3Mi}}\n",
    fix="Add a memory (or cpu) request or limit beside the huge pages and round the amount to a multiple of "
        "the page size (`4Mi` for 2Mi pages).")
INVALID_RESOURCE_NAME = rule(
    "SRV030", "invalid-resource-name", "A container resource that is neither standard nor an extended resource",
    what="Checks the keys of container `requests` and `limits`: `cpu`, `memory`, `ephemeral-storage`, "
         "`hugepages-<size>`, or a domain-prefixed extended resource such as `nvidia.com/gpu`.",
    why="A typo (`memroy`, `CPU`) is rejected by the API server with `must be a standard resource for "
        "containers`.",
    example=_POD + "  - name: app\n    image: nginx\n    resources: {limits: {memroy: 1Gi}}\n",
    fix="Correct the resource name; extended resources need their vendor prefix (`example.com/foo`).")
INVALID_ENV_NAME = rule(
    "SRV031", "invalid-env-var-name", "An environment variable name the target version refuses",
    what="Checks `env[].name` and `envFrom[].prefix` of every container: before 1.32 letters, digits, '_', '-' "
         "and '.' not starting with a digit; from 1.32 (relaxed validation on by default) any printable ASCII "
         "except '='.",
    why="The API server rejects the pod with `env[0].name: Invalid value`.",
    example=_POD + "  - name: app\n    image: nginx\n    env: [{name: 1ST_VAR, value: x}]\n",
    fix="Rename the variable (or target 1.32 or later, which accepts names such as `1ST_VAR`).",
    versions="every version (relaxed from 1.32)")
INVALID_ENV_SOURCE = rule(
    "SRV032", "invalid-env-var-source", "An environment variable with both value and valueFrom, or a valueFrom "
    "with other than one source",
    what="Checks `env[]` entries with `valueFrom`: `value` must be empty, and exactly one of `fieldRef`, "
         "`resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` (and `fileKeyRef` from 1.34) is set; a "
         "`fieldRef` names a pod field the downward API offers (`metadata.name`, `status.podIP`, "
         "`metadata.labels['app']` ...; `status.hostIPs` from 1.29), a `resourceFieldRef` a container "
         "resource (`limits.cpu`, `requests.memory` ...) and a `configMapKeyRef` or `secretKeyRef` a valid key; "
         "every `envFrom` entry has one of `configMapRef` or `secretRef`, naming its object.",
    why="The API server rejects the pod with `may not be specified when value is not empty` or `may not have "
        "more than one field specified at a time`.",
    example=_POD + "  - name: app\n    image: nginx\n    env:\n    - name: MODE\n      value: fast\n"
                   "      valueFrom: {configMapKeyRef: {name: settings, key: mode}}\n",
    fix="Keep either `value` or `valueFrom`, with one source.")
HANDLER_COUNT = rule(
    "SRV033", "probe-handler-count", "A probe or lifecycle hook without exactly one handler",
    what="Checks liveness, readiness and startup probes and postStart/preStop hooks: exactly one of `exec`, "
         "`httpGet`, `tcpSocket` (`grpc` for probes from 1.24, `sleep` for hooks from 1.30).",
    why="The API server rejects the pod with `Required value: must specify a handler type` or `Forbidden: may "
        "not specify more than 1 handler type`.",
    example=_POD + "  - name: app\n    image: nginx\n    livenessProbe:\n      httpGet: {path: /, port: 80}\n"
                   "      tcpSocket: {port: 80}\n",
    fix="Keep one handler in each probe and hook.")
INVALID_PROBE = rule(
    "SRV034", "invalid-probe", "Probe settings or handler values the API server rejects",
    what="Checks probe numbers (not negative; `successThreshold` 1 for liveness and startup probes; from 1.25 "
         "`terminationGracePeriodSeconds` above 0 and not on readiness probes), handler ports (1-65535 or a port "
         "name), `httpGet` header names and that `exec` has a command; a `sleep` hook (1.30+) no longer than the pod's terminationGracePeriodSeconds (30 "
         "by default) and above 0 (0 allowed from 1.33); and that init containers carry no probes or "
         "lifecycle hooks unless they are sidecars (`restartPolicy: Always`, from 1.29).",
    why="The API server rejects the pod with `Invalid value` or `Required value`.",
    example=_POD + "  - name: app\n    image: nginx\n    livenessProbe:\n      httpGet: {path: /, port: 80}\n"
                   "      successThreshold: 2\n",
    fix="Use `successThreshold: 1` for liveness and startup probes; use valid ports and non-negative numbers.")
INVALID_POD_FIELD = rule(
    "SRV035", "invalid-pod-spec-field", "A pod spec field with a value the API server rejects",
    what="Checks pod spec fields that name things or count: `serviceAccountName`, `priorityClassName`, "
         "`nodeName`, `runtimeClassName` (DNS-1123 subdomains), `hostname` and `subdomain` (DNS-1123 labels), "
         "`activeDeadlineSeconds` (above 0), node selector labels, readiness gate conditions and (from 1.27) "
         "scheduling gates (qualified names, gates unique); `dnsConfig` (nameservers required with "
         "`dnsPolicy: None`, at most 3 and valid IPs; search domains DNS names within the version's count and "
         "length limits; option names); `hostAliases` (an IP and DNS names); that a pod has at least one "
         "container, no ephemeral containers on create or in a template (from 1.23), no `nodeName` on a Pod "
         "with scheduling gates (from 1.27), and (1.29-1.34) no `restartPolicy` on regular containers.",
    why="The API server rejects the pod with `Invalid value` or `Required value`.",
    example="apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  serviceAccountName: Web_SA\n"
            "  containers: [{name: app, image: nginx}]\n",
    fix="Use lower-case names of existing objects; give the pod a container.")

RULES = [INVALID_CONTAINER_NAME, DUPLICATE_CONTAINER_NAME, IMAGE_REQUIRED, INVALID_PORT, INVALID_PORT_NAME,
         INVALID_VOLUME, UNKNOWN_VOLUME, INVALID_MOUNT, INVALID_QUANTITY, REQUESTS_ABOVE_LIMITS,
         INVALID_HUGE_PAGES, INVALID_RESOURCE_NAME, INVALID_ENV_NAME, INVALID_ENV_SOURCE, HANDLER_COUNT, INVALID_PROBE,
         INVALID_POD_FIELD]

STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
_HTTP_HEADER = lazy("[-A-Za-z0-9]+")
HTTP_HEADER_ERROR = ("a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', "
                     "regex used for validation is '[-A-Za-z0-9]+')")
VOLUME_SOURCES = frozenset({
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
    "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
    "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
    "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image"})


def _overcommit_allowed(resource: str) -> bool:
    """Native resources may be requested below their limit; extended ones and huge pages may not."""
    native = "/" not in resource or "kubernetes.io/" in resource
    return native and not resource.startswith("hugepages-")


def walk(resource, ctx, report: Report) -> None:
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if isinstance(spec, dict):
        check_pod_spec(spec, path, report, ctx.target)
        # ephemeral containers are added later through their subresource (a dump may hold them); before
        # 1.23 their feature gate was off and the field was dropped instead
        if resource.kind == "Pod" and spec.get("ephemeralContainers") and not looks_dumped(resource) \
                and at_least(ctx.target, 23):
            report.forbidden(INVALID_POD_FIELD, path + ("ephemeralContainers",), "cannot be set on create")
        elif resource.kind != "Pod" and spec.get("ephemeralContainers") and at_least(ctx.target, 23):
            report.forbidden(INVALID_POD_FIELD, path + ("ephemeralContainers",),
                             "ephemeral containers not allowed in pod template")
        if resource.kind == "Pod":
            _check_pod_only(spec, path, report, ctx.target)


def _check_pod_only(spec: dict, path: tuple, report: Report, version) -> None:
    """What ValidatePodCreate checks of a Pod but not of a pod template: images without surrounding
    whitespace (from 1.8; templates may use " " as a placeholder) and, from 1.27 (PodSchedulingReadiness),
    no nodeName while scheduling gates remain."""
    if at_least(version, 8):
        for group in ("containers", "initContainers", "ephemeralContainers"):
            for i, container in enumerate(items(spec.get(group))):
                image = mapping(container).get("image")
                if isinstance(image, str) and image and image != image.strip():
                    report.invalid(IMAGE_REQUIRED, path + (group, i, "image"), image,
                                   "must not have leading or trailing whitespace",
                                   suggestion="Remove the spaces around the image reference.")
    if at_least(version, 27) and spec.get("nodeName") and spec.get("schedulingGates"):
        report.forbidden(INVALID_POD_FIELD, path + ("nodeName",),
                         "cannot be set until all schedulingGates have been cleared",
                         suggestion="Leave nodeName to the scheduler, or drop the schedulingGates.")


def check_pod_spec(spec: dict, path: tuple, report: Report, version) -> None:
    volumes = _check_volumes(spec.get("volumes"), path + ("volumes",), report)
    grace = integer(spec.get("terminationGracePeriodSeconds"))
    grace = 30 if grace is None else grace  # the default the API server fills in before validating
    names: set = set()
    containers = spec.get("containers")
    if isinstance(containers, list) and not containers:
        report.required(INVALID_POD_FIELD, path + ("containers",))
    for group in ("containers", "initContainers", "ephemeralContainers"):  # upstream order: where it reports
        for i, container in enumerate(items(spec.get(group))):
            if isinstance(container, dict):
                cpath = path + (group, i)
                _check_container_name(container, cpath, names, report)
                if group != "ephemeralContainers":
                    _check_container(container, cpath, volumes, report, version, probes=group == "containers",
                                     grace=grace)
                _check_restart_rules(container, group, cpath, report, version)
    _check_host_ports(items(spec.get("containers")), path + ("containers",), report, spec.get("hostNetwork") is True)
    _check_pod_fields(spec, path, report, version)


def _check_restart_rules(container: dict, group: str, cpath: tuple, report: Report, version) -> None:
    """Init containers run to completion: no probes or lifecycle hooks, unless they are sidecars
    (`restartPolicy: Always`, SidecarContainers on by default from 1.29). A container's own restartPolicy
    exists for init containers only (1.29 to 1.34; ContainerRestartRules, alpha in 1.34, is not judged after)."""
    sidecars = at_least(version, 29)
    policy = container.get("restartPolicy")
    if group == "initContainers":
        if sidecars and policy == "Always":
            return
        detail = ("may not be set for init containers without restartPolicy=Always" if at_least(version, 28)
                  else "may not be set for init containers")
        for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
            if container.get(key) is not None:
                report.forbidden(INVALID_PROBE, cpath + (key,), detail)
    elif group == "containers" and policy is not None and sidecars and not at_least(version, 35):
        report.forbidden(INVALID_POD_FIELD, cpath + ("restartPolicy",), "may not be set for non-init containers")


def _check_host_ports(containers: list, path: tuple, report: Report, host_network: bool) -> None:
    """Two containers of a pod cannot bind one host port (protocol, host IP and port), as upstream's
    AccumulateUniqueHostPorts says; with hostNetwork an explicit host port must be the container port (0 is
    defaulted to it, or left alone in templates). Only explicit host ports count."""
    seen: set = set()
    for ci, container in enumerate(containers):
        if container.__class__ is not dict or not container.get("ports"):
            continue
        for pi, port in enumerate(items(container.get("ports"))):
            host = integer(port.get("hostPort")) if port.__class__ is dict else None
            if not host:
                continue
            number = integer(port.get("containerPort"))
            if host_network and number is not None and host != number:
                report.invalid(INVALID_PORT, path + (ci, "ports", pi, "hostPort"), host,
                               "must match `containerPort` when `hostNetwork` is true")
            key = f"{text(port.get('protocol')) or 'TCP'}/{text(port.get('hostIP')) or ''}/{host}"
            if key in seen:
                report.duplicate(INVALID_PORT, path + (ci, "ports", pi, "hostPort"), key)
            seen.add(key)


def _check_container_name(container: dict, cpath: tuple, names: set, report: Report) -> None:
    name = container.get("name")
    if name in (None, ""):
        report.required(INVALID_CONTAINER_NAME, cpath + ("name",))
        return
    if not isinstance(name, str):
        return
    for msg in syntax.dns1123_label(name):
        report.invalid(INVALID_CONTAINER_NAME, cpath + ("name",), name, msg)
    if name in names:
        report.duplicate(DUPLICATE_CONTAINER_NAME, cpath + ("name",), name)
    names.add(name)


def _check_container(container: dict, cpath: tuple, volumes, report: Report, version, probes: bool,
                     grace: int = 30) -> None:
    get = container.get
    if get("image") in (None, ""):
        report.required(IMAGE_REQUIRED, cpath + ("image",))
    if get("ports"):
        _check_ports(get("ports"), cpath + ("ports",), report)
    if get("volumeMounts"):
        privileged = mapping(get("securityContext")).get("privileged") is True
        _check_mounts(get("volumeMounts"), cpath + ("volumeMounts",), volumes, report, privileged, version)
    resources = get("resources")
    if isinstance(resources, dict) and resources:
        _check_resource_requirements(resources, cpath + ("resources",), report, version)
    if get("env"):
        _check_env(get("env"), cpath + ("env",), report, version)
    # init containers may carry probes only as sidecars (restartPolicy: Always); the API server checks those
    # differently, so only regular containers' probes are checked here
    if probes:
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            value = get(probe)
            if isinstance(value, dict):
                _check_probe(value, cpath + (probe,), report, version, single_success=probe != "readinessProbe")
    lifecycle = get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            value = lifecycle.get(hook)
            if isinstance(value, dict):
                _check_handler(value, cpath + ("lifecycle", hook), report, _hook_handlers(version))
                _check_sleep(value, cpath + ("lifecycle", hook), report, version, grace)


def _check_ports(ports, path: tuple, report: Report) -> None:
    names: set = set()
    for i, port in enumerate(items(ports)):
        if not isinstance(port, dict):
            continue
        name = text(port.get("name"))
        if name:
            msgs = syntax.port_name(name)
            for msg in msgs:
                report.invalid(INVALID_PORT_NAME, path + (i, "name"), name, msg)
            if not msgs and name in names:
                report.duplicate(INVALID_PORT_NAME, path + (i, "name"), name)
            names.add(name)
        number = integer(port.get("containerPort"))
        if number is not None:
            if number == 0:
                report.required(INVALID_PORT, path + (i, "containerPort"))
            else:
                for msg in syntax.port_number(number):
                    report.invalid(INVALID_PORT, path + (i, "containerPort"), number, msg)
        host = integer(port.get("hostPort"))
        if host:
            for msg in syntax.port_number(host):
                report.invalid(INVALID_PORT, path + (i, "hostPort"), host, msg)


def _check_volumes(volumes, path: tuple, report: Report):
    """The names of the pod's volumes (None when they cannot be known: then mounts are not checked)."""
    if volumes is None:
        return set()
    if not isinstance(volumes, list):
        return None
    names: set = set()
    for i, volume in enumerate(volumes):
        if not isinstance(volume, dict):
            return None
        name = volume.get("name")
        if name in (None, ""):
            report.required(INVALID_VOLUME, path + (i, "name"))
        elif isinstance(name, str):
            for msg in syntax.dns1123_label(name):
                report.invalid(INVALID_VOLUME, path + (i, "name"), name, msg)
            if name in names:
                report.duplicate(INVALID_VOLUME, path + (i, "name"), name)
            names.add(name)
        else:
            return None
        sources = [k for k, v in volume.items() if k in VOLUME_SOURCES and v is not None]
        for extra in sources[1:]:
            report.forbidden(INVALID_VOLUME, path + (i, extra), "may not specify more than 1 volume type")
    return names


def _check_mounts(mounts, path: tuple, volumes, report: Report, privileged: bool, version=None) -> None:
    paths: set = set()
    recursive = version is not None and at_least(version, 31)  # RecursiveReadOnlyMounts on by default
    for i, mount in enumerate(items(mounts)):
        if not isinstance(mount, dict):
            continue
        if recursive and mount.get("recursiveReadOnly") in ("Enabled", "IfPossible"):
            _check_recursive_read_only(mount, path, i, report)
        if mount.get("mountPropagation") == "Bidirectional" and not privileged:
            report.forbidden(INVALID_MOUNT, path + (i, "mountPropagation"),
                             "Bidirectional mount propagation is available only to privileged containers")
        name = mount.get("name")
        if name in (None, ""):
            report.required(UNKNOWN_VOLUME, path + (i, "name"))
        elif isinstance(name, str) and volumes is not None and name not in volumes:
            report.not_found(UNKNOWN_VOLUME, path + (i, "name"), name)
        mount_path = mount.get("mountPath")
        if mount_path in (None, ""):
            report.required(INVALID_MOUNT, path + (i, "mountPath"))
        elif isinstance(mount_path, str):
            if mount_path in paths:
                report.invalid(INVALID_MOUNT, path + (i, "mountPath"), mount_path, "must be unique")
            paths.add(mount_path)
        sub, expr = text(mount.get("subPath")), text(mount.get("subPathExpr"))
        if sub:
            _check_descending(sub, path + (i, "subPath"), report)
        if expr:
            if sub:
                report.invalid(INVALID_MOUNT, path + (i, "subPathExpr"), expr,
                               "subPathExpr and subPath are mutually exclusive")
            _check_descending(expr, path + (i, "subPathExpr"), report)


def _check_recursive_read_only(mount: dict, path: tuple, i: int, report: Report) -> None:
    """validateMountRecursiveReadOnly, whose answers name the mounts list's `recursiveReadOnly`."""
    where = path + (i, "recursiveReadOnly")
    named = field(path + ("recursiveReadOnly",))
    if mount.get("readOnly") is not True:
        report.add(INVALID_MOUNT, where, f"{named}: Forbidden: may only be specified when readOnly is true",
                   suggestion="Add `readOnly: true` to the mount.")
    if mount.get("mountPropagation") not in (None, "None"):
        report.add(INVALID_MOUNT, where, f"{named}: Forbidden: may only be specified when mountPropagation is None "
                   "or not specified")


def _check_descending(value: str, path: tuple, report: Report) -> None:
    for msg in syntax.local_descending_path(value):
        report.invalid(INVALID_MOUNT, path, value, msg)


# Requests and limits found valid, by content and target minor: most containers of a corpus share a few
# (cpu: 100m, memory: 128Mi), and their quantities cost more to judge than to recognise.
_CLEAN_REQUIREMENTS: set = set()
_PLAIN = (str, int, float)


def _requirements_key(resources: dict, version) -> tuple | None:
    """What the requirement checks read of `resources`, as a set member; None when it holds anything but
    text keys and str/int/float values (the type is part of the key: 1, 1.0 and True hash alike)."""
    parts = [version.major, version.minor]
    for part in ("limits", "requests"):
        values = resources.get(part)
        if values.__class__ is not dict:
            parts.append(None)  # read as empty: mapping()
            continue
        for key, raw in values.items():
            if key.__class__ is not str or raw.__class__ not in _PLAIN:
                return None
            parts += (part, key, raw.__class__, raw)
    return tuple(parts)


def _check_resource_requirements(resources: dict, path: tuple, report: Report, version) -> None:
    key = _requirements_key(resources, version)
    if key is not None and key in _CLEAN_REQUIREMENTS:
        return
    scratch = Report(report.resource)  # to know whether they found anything; merged in order below
    _check_resources(resources, path, scratch)
    _check_huge_pages(resources, path, scratch, version)
    if not scratch.by_rule:
        if key is not None and len(_CLEAN_REQUIREMENTS) < 16384:  # the contents come from the input: bounded
            _CLEAN_REQUIREMENTS.add(key)
        return
    for rule_id, found in scratch.by_rule.items():
        report.by_rule.setdefault(rule_id, []).extend(found)


def _check_resources(resources: dict, path: tuple, report) -> None:
    values: dict = {}
    for part in ("limits", "requests"):
        for key, raw in mapping(resources.get(part)).items():
            where = path + (part, key)
            if not isinstance(key, str):
                continue
            if "/" not in key and key not in STANDARD_CONTAINER_RESOURCES and not key.startswith("hugepages-"):
                report.invalid(INVALID_RESOURCE_NAME, where, key, "must be a standard resource for containers",
                               prefer_key=True)
            if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
                continue  # the schema's finding
            amount = syntax.quantity(raw)
            if amount is None:
                report.invalid(INVALID_QUANTITY, where, raw, syntax.QUANTITY_ERROR)
            elif amount < 0:
                report.invalid(INVALID_QUANTITY, where, raw, "must be greater than or equal to 0")
            else:
                values[(part, key)] = (raw, amount)
            if "/" in key and not _overcommit_allowed(key) and amount is not None and amount >= 0 \
                    and amount != amount.to_integral_value():
                report.invalid(INVALID_QUANTITY, where, raw, "must be an integer")
    for (part, key), (raw, amount) in values.items():
        if part != "requests":
            continue
        limit = values.get(("limits", key))
        if limit is None:
            if not _overcommit_allowed(key) and key not in mapping(resources.get("limits")):
                report.required(REQUESTS_ABOVE_LIMITS, path + ("limits", key),
                                "Limit must be set for non overcommitable resources")
        elif amount != limit[1] and not _overcommit_allowed(key):
            report.invalid(REQUESTS_ABOVE_LIMITS, path + ("requests", key), raw,
                           f"must be equal to {key} limit of {limit[0]}")
        elif amount > limit[1]:
            report.invalid(REQUESTS_ABOVE_LIMITS, path + ("requests", key), raw,
                           f"must be less than or equal to {key} limit of {limit[0]}")


def _check_huge_pages(resources: dict, path: tuple, report: Report, version) -> None:
    """ValidateResourceRequirements on huge pages: they need cpu or memory beside them (from 1.10, when huge
    pages went beta) and, from 1.21 (validateResourceQuantityHugePageValue), whole pages."""
    named, huge = set(), False
    for part in ("limits", "requests"):
        for key, raw in mapping(resources.get(part)).items():
            if not isinstance(key, str):
                continue
            named.add(key)
            if not key.startswith("hugepages-"):
                continue
            huge = True
            if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
                continue  # the schema's finding
            amount = syntax.quantity(raw)
            if amount is None or amount < 0:
                continue  # SRV028's finding
            if at_least(version, 21) and not _whole_pages(key, amount):
                report.invalid(INVALID_HUGE_PAGES, path + (part, key), raw,
                               f"{raw} is not positive integer multiple of {key}",
                               f"Use a whole number of {key[len('hugepages-'):]} pages.")
    if huge and not named & {"cpu", "memory"} and at_least(version, 10):
        report.forbidden(INVALID_HUGE_PAGES, path, "HugePages require cpu or memory",
                         "Add a memory (or cpu) request or limit beside the huge pages.")


def _whole_pages(key: str, amount) -> bool:
    """IsHugePageResourceValueDivisible: the amount, rounded up to whole bytes, divides by a page size that
    is itself a whole, positive number of bytes (an unreadable size divides nothing)."""
    page = syntax.quantity(key[len("hugepages-"):])
    if page is None or page <= 0 or page != page.to_integral_value():
        return False
    return int(amount.to_integral_value(rounding=ROUND_CEILING)) % int(page) == 0


def _check_env(env, path: tuple, report: Report, version) -> None:
    relaxed = at_least(version, 32)
    for i, var in enumerate(items(env)):
        if not isinstance(var, dict):
            continue
        name = var.get("name")
        if name in (None, ""):
            report.required(INVALID_ENV_NAME, path + (i, "name"))
        elif isinstance(name, str):
            for msg in syntax.env_var_name(name, relaxed):
                report.invalid(INVALID_ENV_NAME, path + (i, "name"), name, msg)
        source = var.get("valueFrom")
        if isinstance(source, dict):
            value = var.get("value")
            if isinstance(value, str) and value:
                report.invalid(INVALID_ENV_SOURCE, path + (i, "valueFrom"), "",
                               "may not be specified when `value` is not empty")
            known = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"]
            if at_least(version, 34):
                known.append("fileKeyRef")
            given = [k for k in known if source.get(k) is not None]
            if len(given) > 1:
                report.invalid(INVALID_ENV_SOURCE, path + (i, "valueFrom"), "",
                               "may not have more than one field specified at a time")
            elif not given and not any(k not in known for k in source):
                report.invalid(INVALID_ENV_SOURCE, path + (i, "valueFrom"), "",
                               "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                               "`secretKeyRef`")
            _check_downward_refs(source, path + (i, "valueFrom"), report, version)


def _check_downward_refs(source: dict, path: tuple, report: Report, version) -> None:
    field_path = text(mapping(source.get("fieldRef")).get("fieldPath"))
    if field_path:
        where = path + ("fieldRef", "fieldPath")
        for msg, supported in downward_api.field_path_problems(field_path, version):
            if supported:
                report.unsupported(INVALID_ENV_SOURCE, where, field_path, supported)
            else:
                report.invalid(INVALID_ENV_SOURCE, where, field_path, msg)
    resource = text(mapping(source.get("resourceFieldRef")).get("resource"))
    if resource:
        supported = downward_api.resource_problems(resource)
        if supported:
            report.unsupported(INVALID_ENV_SOURCE, path + ("resourceFieldRef", "resource"), resource, supported)


def _check_sleep(hook: dict, path: tuple, report: Report, version, grace: int) -> None:
    """A sleep hook (1.30+) may not outlast the pod's grace period; 0 is allowed from 1.33
    (PodLifecycleSleepActionAllowZero on by default)."""
    seconds = integer(mapping(hook.get("sleep")).get("seconds")) if at_least(version, 30) else None
    if seconds is None:
        return
    zero_ok = at_least(version, 33)
    if (seconds < 0 or (seconds == 0 and not zero_ok)) or seconds > grace:
        lower = "non-negative" if zero_ok else "greater than 0"
        report.invalid(INVALID_PROBE, path + ("sleep", "seconds"), seconds,
                       f"must be {lower} and less than terminationGracePeriodSeconds ({grace})")


def _probe_handlers(version) -> tuple:
    return ("exec", "httpGet", "tcpSocket", "grpc") if at_least(version, 24) else ("exec", "httpGet", "tcpSocket")


def _hook_handlers(version) -> tuple:
    return ("exec", "httpGet", "tcpSocket", "sleep") if at_least(version, 30) else ("exec", "httpGet", "tcpSocket")


def _check_probe(probe: dict, path: tuple, report: Report, version, single_success: bool) -> None:
    _check_handler(probe, path, report, _probe_handlers(version))
    get = probe.get
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        value = get(key)
        if value.__class__ is int and value < 0:
            report.invalid(INVALID_PROBE, path + (key,), value, "must be greater than or equal to 0")
    success = integer(probe.get("successThreshold"))
    if single_success and success is not None and success not in (0, 1):  # 0 is defaulted to 1
        report.invalid(INVALID_PROBE, path + ("successThreshold",), success, "must be 1")
    # a probe's own grace period: ProbeTerminationGracePeriod is on by default from 1.25 (dropped before)
    grace = integer(probe.get("terminationGracePeriodSeconds")) if at_least(version, 25) else None
    if grace is not None and not single_success:
        report.invalid(INVALID_PROBE, path + ("terminationGracePeriodSeconds",), grace,
                       "must not be set for readinessProbes",
                       suggestion="Drop terminationGracePeriodSeconds: a failing readiness probe does not kill the "
                                  "container.")
    elif grace is not None and grace <= 0:
        report.invalid(INVALID_PROBE, path + ("terminationGracePeriodSeconds",), grace, "must be greater than 0")


def _check_handler(handler: dict, path: tuple, report: Report, kinds: tuple) -> None:
    given = [k for k in kinds if handler.get(k) is not None]
    unknown = [k for k in handler if k not in kinds and isinstance(handler.get(k), dict)]
    if not given:
        if not unknown:  # a handler of a kind we do not know: the schema reports it, do not guess
            report.required(HANDLER_COUNT, path, "must specify a handler type")
        return
    for extra in given[1:]:
        report.forbidden(HANDLER_COUNT, path + (extra,), "may not specify more than 1 handler type")
    first = given[0]
    action = handler.get(first)
    if not isinstance(action, dict):
        return
    if first == "exec":
        command = action.get("command")
        if command is None or command == []:
            report.required(INVALID_PROBE, path + ("exec", "command"))
    elif first in ("httpGet", "tcpSocket"):
        _check_port_ref(action.get("port"), path + (first, "port"), report)
        for j, header in enumerate(items(action.get("httpHeaders")) if first == "httpGet" else ()):
            name = mapping(header).get("name")
            if isinstance(name, str) and not _HTTP_HEADER.fullmatch(name):
                # the API server names the list, not the entry
                report.add(INVALID_PROBE, path + (first, "httpHeaders", j, "name"),
                           f"{field(path + (first, 'httpHeaders'))}: Invalid value: {shown(name)}: {HTTP_HEADER_ERROR}")
    elif first == "grpc":
        port = integer(action.get("port"))
        if port is not None:
            for msg in syntax.port_number(port):
                report.invalid(INVALID_PROBE, path + ("grpc", "port"), port, msg)


def _check_port_ref(port, path: tuple, report: Report) -> None:
    """An IntOrString port: a number 1-65535 or a port name (a numeric string is not a name)."""
    number = integer(port)
    if number is not None:
        for msg in syntax.port_number(number):
            report.invalid(INVALID_PROBE, path, number, msg)
    elif isinstance(port, str):
        for msg in syntax.port_name(port):
            report.invalid(INVALID_PROBE, path, port, msg)


def _check_pod_fields(spec: dict, path: tuple, report: Report, version) -> None:
    for key, check in (("serviceAccountName", syntax.dns1123_subdomain),
                       ("priorityClassName", syntax.dns1123_subdomain), ("nodeName", syntax.dns1123_subdomain),
                       ("runtimeClassName", syntax.dns1123_subdomain),
                       ("hostname", syntax.dns1123_label), ("subdomain", syntax.dns1123_label)):
        value = text(spec.get(key))
        if value:
            for msg in check(value):
                report.invalid(INVALID_POD_FIELD, path + (key,), value, msg)
    deadline = integer(spec.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= 2 ** 31 - 1:
        report.invalid(INVALID_POD_FIELD, path + ("activeDeadlineSeconds",), deadline,
                       "must be between 1 and 2147483647, inclusive")
    check_labels(spec.get("nodeSelector"), path + ("nodeSelector",), report)
    for i, gate in enumerate(items(spec.get("readinessGates"))):
        condition = text(mapping(gate).get("conditionType"))
        if condition:
            for msg in syntax.qualified_name(condition):
                report.invalid(INVALID_POD_FIELD, path + ("readinessGates", i, "conditionType"), condition, msg)
    gates = spec.get("schedulingGates")
    if gates and at_least(version, 27):  # PodSchedulingReadiness on by default from 1.27
        names: set = set()
        for i, gate in enumerate(items(gates)):
            name = text(mapping(gate).get("name"))
            if name is None:
                continue
            problems = syntax.qualified_name(name)
            for msg in problems:
                report.invalid(INVALID_POD_FIELD, path + ("schedulingGates", i, "name"), name, msg)
            if not problems and name in names:
                report.duplicate(INVALID_POD_FIELD, path + ("schedulingGates", i, "name"), name)
            names.add(name)


__all__ = ["check_pod_spec", "INVALID_LABEL"]
