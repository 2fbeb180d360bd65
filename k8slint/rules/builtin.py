"""Metadata and documentation of the rules the loader and the schema validator implement."""
from __future__ import annotations

from ..loader import LOADER_SEVERITY
from ..model import RuleDoc, RuleMeta
from ..listkeys import RULE_SEVERITY as LIST_KEY_SEVERITY
from ..validation import RULE_SEVERITY as SCHEMA_SEVERITY


def _yml(rule_id: str, name: str, title: str, doc: RuleDoc) -> RuleMeta:
    return RuleMeta(rule_id, name, title, LOADER_SEVERITY[rule_id], doc, versions="every version")


def _sch(rule_id: str, name: str, title: str, doc: RuleDoc, versions: str = "the target version") -> RuleMeta:
    severity = SCHEMA_SEVERITY[rule_id] if rule_id in SCHEMA_SEVERITY else LIST_KEY_SEVERITY[rule_id]
    return RuleMeta(rule_id, name, title, severity, doc, versions=versions)


BUILTIN_RULES = [
    _yml("YML001", "yaml-syntax-error", "The YAML (or JSON) text does not parse", RuleDoc(
        what="Reports a YAML or JSON syntax error at the line and column where the parser gave up, and a value "
             "Kubernetes' YAML reader cannot turn into JSON: an unquoted `.inf`, `-.inf` or `.nan` (YAML 1.1 "
             "floats that JSON cannot hold). The first 100 broken documents of a file are reported one by one; "
             "one more finding counts the rest and names their lines.",
        why="kubectl rejects the whole file. k8slint reports the error and still checks the other documents "
            "of the file, split at their `---` separators, and every other file.",
        example="spec:\n  ports: [80, 443\n",
        fix="Correct the syntax at the reported position (an unclosed bracket or quote, a tab used for "
            "indentation, a key without a colon ...); quote `.inf` or `.nan` meant as text.")),
    _yml("YML002", "duplicate-key", "A mapping holds the same key twice", RuleDoc(
        what="Reports a key that appears twice in the same mapping.",
        why="Kubernetes' YAML reader keeps the last value without a word, so the first one is silently lost; "
            "it is nearly always an editing mistake (two `env:` blocks, a pasted `resources:`). The rest of "
            "the object is still checked, with the last value, as the cluster would see it.",
        example="spec:\n  replicas: 2\n  replicas: 3\n",
        fix="Keep one of the two keys; merge their contents if both held something.")),
    _yml("YML003", "not-a-kubernetes-object", "A document is not a Kubernetes object and was skipped", RuleDoc(
        what="Reports, once, a document without `apiVersion` and `kind` (or that is a list or a scalar). The "
             "first 100 such documents (or List items) of a file are reported one by one; one more finding "
             "counts the rest and names their lines.",
        why="Such a document is not something kubectl can apply. It is often harmless (a values file, a "
            "config of another tool in the same folder), so this is information, not an error.",
        example="replicaCount: 3\nimage: nginx\n",
        fix="Nothing, if the file is not meant for Kubernetes; exclude it in the configuration to silence "
            "the message. Otherwise add `apiVersion` and `kind`.")),
    _yml("YML004", "malformed-object-header", "apiVersion or kind is missing or not a string", RuleDoc(
        what="Reports an object whose `apiVersion` or `kind` is missing, empty or not a string.",
        why="The API server cannot tell what the object is and rejects it; no schema can be chosen to "
            "check the rest.",
        example="apiVersion: 1\nkind: ConfigMap\n",
        fix="Write both as strings, for example `apiVersion: v1` and `kind: ConfigMap`.")),
    _yml("YML005", "unsupported-yaml-tag", "A YAML tag that Kubernetes does not accept", RuleDoc(
        what="Reports explicit YAML tags other than the standard scalar and collection ones "
             "(`!!python/object`, `!Ref`, `!!binary` on a non-string ...), and tagged values that do not "
             "match their tag (`!!int abc`).",
        why="Kubernetes' YAML reader rejects or ignores such tags; some tags ask a YAML library to build "
            "objects or run code. k8slint never constructs anything from a tag: it reads the value as text "
            "and reports it.",
        example="data:\n  cmd: !!python/object/apply:os.system [\"id\"]\n",
        fix="Remove the tag; quote the value if it must be a string.")),
    _yml("YML006", "input-refused", "Input refused to keep the run bounded", RuleDoc(
        what="Reports a file larger than `--max-file-size`, a document whose YAML aliases expand it "
             "enormously (an alias bomb) or refers to itself, or one nested deeper than 128 levels "
             "(1,000 in its text, checked before parsing).",
        why="Such input is either hostile or broken; expanding it would exhaust memory or time. The rest "
            "of the run goes on.",
        example="a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n# ... nine levels: a billion strings\n",
        fix="Remove the recursive aliases or the nesting; split huge files or raise `--max-file-size`.")),
    _yml("YML007", "unreadable-file", "The file cannot be read as text", RuleDoc(
        what="Reports a file that cannot be opened (permission denied), is binary, or is not valid UTF-8 "
             "(UTF-8 with a byte-order mark and UTF-16/32 with a byte-order mark are accepted).",
        why="kubectl only reads UTF-8 manifests; a binary file in a manifest folder is usually a mistake.",
        example="(a file saved as Latin-1 containing `caf\\xe9`)",
        fix="Save the file as UTF-8, fix its permissions, or move it out of the manifest folder.")),
    _yml("YML008", "unrendered-template", "A template that has not been rendered", RuleDoc(
        what="Reports, once per file, a Helm (Go) template or any other `{{ ... }}` template that was given "
             "instead of what it renders to: a file below `templates/` of a chart (next to its `Chart.yaml`), "
             "an action such as `{{- if .Values.enabled }}` or `{{ include ... }}` where YAML structure should "
             "be, or Helm's values (`.Values`, `.Release`, `.Chart`) inside a string. The rest of the file is "
             "not checked.",
        why="A template is not a manifest: its YAML errors and missing values say nothing about what "
            "the chart deploys, and a file that happens to parse would pass with `{{ .Values.x }}` as a value. "
            "Templates kept inside values on purpose (Prometheus and Alertmanager messages such as "
            "`description: \"{{ $labels.instance }} is down\"`, block scalars, comments) are not reported.",
        example="apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n"
                "spec:\n  type: {{ .Values.service.type }}\n",
        fix="Render the chart and lint the output: `helm template CHART | k8slint lint -` (findings then name "
            "the template files from Helm's `# Source:` comments). If the braces are meant literally, quote "
            "the value or use a block scalar (`|`).")),
    _yml("YML009", "unreadable-helm-release", "A Helm release record cannot be decoded", RuleDoc(
        what="Reports a Helm 3 release record (a Secret of type `helm.sh/release.v1`, or the ConfigMap of "
             "Helm's configmap storage) whose `data.release` is not base64, gzip and JSON as Helm writes it, "
             "or that decompresses to more than 50 MB. Release records of the deployed revision are otherwise "
             "unpacked and their manifest and hooks checked, named `helm:NAMESPACE/RELEASE@REVISION:"
             "CHART/templates/FILE.yaml`; older revisions are skipped silently.",
        why="The record is the only copy of what the release installed in the cluster; when it cannot be "
            "read, the release was not checked and you should know it.",
        example="apiVersion: v1\nkind: Secret\ntype: helm.sh/release.v1\nmetadata:\n"
                "  name: sh.helm.release.v1.web.v3\n  labels: {owner: helm, status: deployed}\n"
                "data:\n  release: bm90IGEgcmVsZWFzZQ==\n",
        fix="Dump the records again (`kubectl get secrets -A -l owner=helm -o yaml`) without editing them, "
            "or lint the release's manifest directly: `helm get manifest RELEASE -n NAMESPACE | k8slint lint -`.")),
    _yml("YML010", "nothing-to-lint", "The input holds no Kubernetes object at all", RuleDoc(
        what="Reports a run whose whole input holds no Kubernetes object: an empty directory, a directory "
             "without *.yaml, *.yml or *.json files, empty standard input, files with only empty documents "
             "or documents that are not objects. With `--allow-empty` it is information instead of an error.",
        why="A check that looked at nothing must not pass quietly: `helm template chart/ | k8slint lint -` "
            "gets empty standard input when helm fails, and a path mistyped in CI or a glob that matched "
            "nothing would otherwise report \"0 errors\".",
        example="# an empty file, or an empty directory",
        fix="Point k8slint at the manifests. Where an empty input is expected (a pre-commit run on files "
            "that hold no manifest), pass `--allow-empty`; the pre-commit hooks do.")),
    _yml("YML011", "kustomize-input", "A file a kustomization names as a patch or plugin configuration", RuleDoc(
        what="Reports, once per file, a file that a kustomization (or Component) in the input, or in a "
             "directory above the file, names as kustomize's input rather than as a resource: a patch "
             "(`patches[].path`, `patchesStrategicMerge`, `patchesJson6902[].path`) or a plugin configuration "
             "(`transformers`, `generators`, `validators`). A patch is checked as a part of an object: the "
             "deprecation rules of its apiVersion and kind, the field and reference rules; not the schema's "
             "required fields nor the API server's create checks. A plugin configuration is not validated. "
             "A file another kustomization names as a resource stays an object.",
        why="kustomize merges a patch into a resource, or runs a plugin with its configuration; neither file "
            "is applied as it is, so a patch without `spec.selector` or a container without `image` is no "
            "error. What reaches the cluster is what `kustomize build` prints, and that is what to lint.",
        example="# kustomization.yaml\nresources: [deploy.yaml]\npatches:\n- path: patch.yaml\n"
                "# patch.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                "spec: {template: {spec: {containers: [{name: web, resources: {limits: {memory: 1Gi}}}]}}}\n",
        fix="Nothing in the file. Lint the built result too: `kustomize build DIR | k8slint lint -`.")),
    _yml("YML020", "file-not-fixed", "k8slint fix left a file unchanged because it could not handle it", RuleDoc(
        what="Reported by `k8slint fix` for a file it does not fix at all, which keeps its text while every "
             "other file is still fixed: a file too large to fix within the memory `--max-file-size` allows "
             "(a multi-document file is fixed a piece at a time, as lint reads it, but one huge document "
             "takes about 130 times its size, so fix refuses single-piece files over 50/130 of the limit, "
             "6.1 MiB by default; lint still checks them), one the fixer failed on, or one `--write` could not "
             "write (read-only, changed by someone else since it was read, a full disk). A single object of "
             "odd shape only gets its fix refused, with the reason on its finding.",
        why="One hostile or broken file must never stop the fix of a whole tree half-way, nor leave you "
            "without a word about which files were rewritten and which were not.",
        example="# k8slint fix --max-file-size 1000 a-600-byte-file.yaml",
        fix="Split a large file (one object per file fixes fine), or raise `--max-file-size` knowing the "
            "memory it takes. For a failure, fix the file by hand following its other findings.")),
    _sch("SCH001", "schema-violation", "The object does not match the schema of the target version", RuleDoc(
        what="Validates every object against the OpenAPI schema of the chosen Kubernetes version (embedded "
             "for every minor from 1.7) or of its CustomResourceDefinition: types, required fields, "
             "allowed values. The enumerated values of built-in fields (protocol, restartPolicy, Service "
             "type, selector operators, ...) are those the API server of that version accepts, in every "
             "embedded minor (the message lists them; they are case-sensitive). Where the API server does not "
             "validate a field on create (a StatefulSet's pod template but its restartPolicy, its "
             "volumeClaimTemplates, metric selectors, topology spread selectors before 1.27, a field the "
             "server drops unchecked while its feature gate is off by default), a value outside the set is a "
             "warning: the object is accepted and its controller fails later, or the field is dropped.",
        why="The API server rejects an object that does not match its schema, at apply time, in the "
            "middle of a deployment.",
        example="apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: \"three\"\n",
        fix="Change the value to the type the schema asks for (the message names it). An unquoted `yes`, "
            "`no`, `on` or `off` is a boolean to Kubernetes: quote it where a string is meant.")),
    _sch("SCH002", "unknown-field", "A field the schema does not know (strict mode, or removed by the target)",
         RuleDoc(
        what="With `--strict`, reports fields the schema of the target version does not define, like "
             "`kubectl apply --validate=strict` does. Maps such as labels, annotations and data, and objects "
             "that preserve unknown fields, accept any key. Without `--strict` it reports the fields of "
             "built-in kinds that an earlier release knew and the target removed (`metadata.clusterName` "
             "from 1.25, an ephemeral volume's `readOnly` from 1.21), naming the last release that knew "
             "each; a field rule (FLD) that reports the same field says it instead.",
        why="Without strict validation the API server drops unknown fields silently: a typo such as "
            "`replica:` for `replicas:` or a field from a newer release simply does nothing. kubectl "
            "validates strictly by default (server-side field validation from 1.27, client-side before), "
            "so a field the target removed is refused at apply time: not a style question but an error, "
            "which lint, fix and the upgrade report agree on.",
        example="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  clusterName: east   "
                "# removed in 1.25\n",
        fix="Correct the name (the message suggests the closest known field) or remove the field.",
        fix_safety="A field the target removed: `k8slint fix` drops it, also when it migrates the object's "
                   "removed apiVersion. Safe where the field never acted (`metadata.clusterName`, which the "
                   "API server ignored, `managedFields`, `status`); elsewhere unsafe (`--unsafe-fixes`): it may "
                   "still act on a cluster that knows it. A typo: no automatic fix.")),
    _sch("SCH003", "api-not-in-version", "The apiVersion/kind does not exist in the target version", RuleDoc(
        what="Reports an object whose apiVersion and kind exist in some embedded Kubernetes version but not "
             "in the target one, and names the versions that have it. When a deprecation rule explains the "
             "removal, that rule reports it instead (one problem, one finding).",
        why="The API server answers `no matches for kind` and the object is not created.",
        example="apiVersion: extensions/v1beta1\nkind: Deployment   # with --kubernetes-version 1.18\n",
        fix="Use an apiVersion the target version serves (see `k8slint explain` of the matching API rule), "
            "or check the target version.")),
    _sch("SCH004", "unknown-kind", "A kind that no embedded Kubernetes version defines", RuleDoc(
        what="Reports an object whose group is a built-in Kubernetes API group but whose apiVersion/kind "
             "exists in no embedded version (usually a typo: `Deploymnet`, `apps/v2`).",
        why="The API server cannot map it to a resource and rejects it. It is the object's one finding: the "
            "API server's create checks (SRV) of a kind it does not serve would only add noise.",
        example="apiVersion: apps/v1\nkind: Deploymnet\n",
        fix="Correct the kind or apiVersion; the message lists the kinds of that apiVersion. Use "
            "`--ignore-missing-schemas` to silence it for kinds you know exist.")),
    _sch("SCH005", "custom-resource-without-schema", "A custom resource whose CRD is not available", RuleDoc(
        what="Reports, as information, a custom resource (a group that is not built into Kubernetes) whose "
             "CustomResourceDefinition is neither in the input nor given with `--crd`. Configuration files "
             "(kubeadm, `*.config.k8s.io`, audit policies, exec credentials, kind cluster configs, "
             "kubeconfigs) are no custom resources and are not reported.",
        why="Without its schema the object cannot be validated; you should know that it was not. Nor does "
            "it get the API server's create checks (SRV): an object nobody can identify may be another "
            "tool's configuration rather than a custom resource.",
        example="apiVersion: cert-manager.io/v1\nkind: Certificate\n",
        fix="Add the CRD to the input or pass `--crd path/to/crds`, or silence it with "
            "`--ignore-missing-schemas`.")),
    _sch("SCH006", "schema-location-unavailable", "A schema location cannot be used", RuleDoc(
        what="Reports a `--schema-location` that cannot be reached (network error, HTTP error other than 404): "
             "once when it fails, then once for each further kind it is not asked about in the run; and once "
             "per file a schema there that is not JSON, not a valid JSON schema or "
             "cannot be applied. The custom resources it would have described are reported by SCH005 instead. "
             "It is an error when a custom resource goes unvalidated because of it, a warning when another "
             "location served the schema or with `--ignore-missing-schemas`.",
        why="A location that silently fails (a network failure in CI) would leave custom resources "
            "unvalidated while the run looks clean. A location that simply has no schema for a kind (HTTP 404, no such file) is not a problem "
            "and is not reported.",
        example="# k8slint lint --schema-location 'https://schemas.example/{{.Group}}/"
                "{{.ResourceKind}}_{{.ResourceAPIVersion}}.json' -\n# while schemas.example cannot be reached:\n"
                "apiVersion: cert-manager.io/v1\nkind: Certificate\n",
        fix="Check the URL or path and the network; schemas downloaded before are reused from "
            "`~/.cache/k8slint/schemas` (or `$XDG_CACHE_HOME/k8slint/schemas`) when the location cannot be "
            "reached. Replace a broken schema file.")),
    _sch("SCH007", "duplicate-list-map-key", "Two entries of a keyed list share a key (server-side apply fails)",
         RuleDoc(
        what="Reports the second of two entries with the same key in a list of a built-in kind that the "
             "OpenAPI schema declares `x-kubernetes-list-type: map`: two env variables with one `name`, two "
             "container ports with one `containerPort`/`protocol`, two host aliases with one `ip`. A key field "
             "left out counts with its default (`protocol` of a port defaults to TCP, so ports `80` and "
             "`80/TCP` collide). Lists whose duplicates the API server's own validation refuses (container, "
             "volume and mount names, Service ports) are left to those checks, and `status` is not looked at.",
        why="A plain create and client-side `kubectl apply` accept the object (the API server keeps both "
            "entries; recent releases warn), but server-side apply (`kubectl apply --server-side`, Flux, Argo "
            "CD with server-side apply) refuses it with `duplicate entries for key [...]`, so the same manifest "
            "deploys with one tool and fails with another. For env, only the last entry takes effect.",
        example="apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: web\n"
                "    image: nginx\n    env:\n    - {name: LOG_LEVEL, value: info}\n"
                "    - {name: LOG_LEVEL, value: debug}\n",
        fix="Keep one entry per key: remove the repeated one or merge the two (for env, keep the value that "
            "takes effect today, the last one)."), versions="1.23 and later (the list types of each version)"),
    _sch("SCH008", "duplicate-list-set-value", "A list of unique values repeats a value (server-side apply fails)",
         RuleDoc(
        what="Reports a repeated value in a list of a built-in kind that the OpenAPI schema declares "
             "`x-kubernetes-list-type: set`, such as `metadata.finalizers`.",
        why="A plain create accepts it, but server-side apply (`kubectl apply --server-side`, Flux, Argo CD "
            "with server-side apply) fails with `duplicate entries for key`.",
        example="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                "  finalizers: [example.com/cleanup, example.com/cleanup]\n",
        fix="Remove the repeated value."), versions="1.23 and later (the list types of each version)"),
]
