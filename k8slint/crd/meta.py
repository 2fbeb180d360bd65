"""Ids, severities and documentation of the CRD rules (findings on CRDs and on their custom resources)."""
from __future__ import annotations

from ..model import RuleDoc, RuleMeta, Severity

SHADOWS_BUILTIN = "CRD001"
CONFLICTING_CRDS = "CRD002"
INVALID_SCHEMA = "CRD003"
INVALID_CRD = "CRD004"
UNUSABLE_CRD = "CRD005"
INVALID_RULE = "CRD006"
RULE_FAILED = "CRD007"
RULE_NOT_EVALUATED = "CRD008"
DUPLICATE_ITEM = "CRD009"
BAD_FORMAT = "CRD010"

SEVERITY = {
    SHADOWS_BUILTIN: Severity.ERROR,
    CONFLICTING_CRDS: Severity.WARNING,
    INVALID_SCHEMA: Severity.ERROR,
    INVALID_CRD: Severity.ERROR,
    UNUSABLE_CRD: Severity.WARNING,
    INVALID_RULE: Severity.ERROR,
    RULE_FAILED: Severity.ERROR,
    RULE_NOT_EVALUATED: Severity.WARNING,
    DUPLICATE_ITEM: Severity.ERROR,
    BAD_FORMAT: Severity.ERROR,
}


def _crd(rule_id: str, name: str, title: str, doc: RuleDoc) -> RuleMeta:
    return RuleMeta(rule_id, name, title, SEVERITY[rule_id], doc, versions="every version")


CRD_RULES = [
    _crd(SHADOWS_BUILTIN, "crd-shadows-builtin-kind", "A CRD names a built-in API group", RuleDoc(
        what="Reports a CustomResourceDefinition whose `spec.group` is an API group built into Kubernetes "
             "(the core group, `apps`, `batch`, `networking.k8s.io`, ... in any embedded version). Its schema is "
             "not used: objects of that group keep the built-in schema.",
        why="The API server serves built-in groups itself; a CRD cannot replace `apps/v1 Deployment`. Letting "
            "such a CRD (a mistake or a hostile file in a pull request) replace the built-in schema would silence "
            "real errors on every Deployment of the input.",
        example="apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
                "  name: deployments.apps\nspec:\n  group: apps\n  names: {kind: Deployment, plural: deployments}\n",
        fix="Give the CRD its own group (a domain you own, such as `example.com`).")),
    _crd(CONFLICTING_CRDS, "conflicting-crds", "Two CRDs define the same kind differently", RuleDoc(
        what="Reports a CRD that defines a group, version and kind that another CRD of the input also defines, "
             "differently; the message names the CRD whose schema is used.",
        why="A cluster holds one definition per kind. Without a rule the verdict on the custom resources would "
            "depend on the order of the files. k8slint chooses the same CRD whatever the order: one that serves "
            "the version, then the newer `apiextensions.k8s.io` version (v1 over v1beta1), then the first by "
            "file name and position.",
        example="# crds/widget.yaml and old/widget-v1beta1.yaml both define acme.io/v1 Widget",
        fix="Keep one copy of the CRD in the input (delete the stale one, or leave it out with `--exclude`).")),
    _crd(INVALID_SCHEMA, "invalid-crd-schema", "A CRD schema the API server refuses", RuleDoc(
        what="Reports, at the offending node, a part of a CRD's `openAPIV3Schema` that the API server rejects: "
             "a keyword of the wrong type (`minLength: \"3\"`, `type: 5`, `properties` as a list), a `type` "
             "that is not one of object, array, string, integer, number, boolean, a `pattern` that is not an "
             "RE2 regular expression, `multipleOf` that is not positive, `$ref`, `definitions`, `patternProperties`, "
             "`uniqueItems: true`, `additionalProperties` beside `properties`, or a malformed list or map type (a "
             "map list's key neither required nor defaulted, or nullable; nullable items of a set or map list; "
             "a set of objects that are not `x-kubernetes-map-type: atomic`); "
             "and, in `apiextensions.k8s.io/v1`, a schema that is not structural: a field or array item "
             "without `type` (unless int-or-string or preserving unknown fields), an array without `items`, "
             "`additionalProperties` at the root, an embedded resource that is not an object, `apiVersion` or "
             "`kind` not strings, a root `metadata` that restricts more than `name` and `generateName`, a `type`, "
             "`default`, `description`, `nullable`, x-kubernetes-* extension or `metadata` inside `allOf` / "
             "`anyOf` / `oneOf` / `not` (the int-or-string `anyOf: [{type: integer}, {type: string}]` "
             "excepted), or a field those name at the root that the structural part does not declare. A "
             "`default` must be a valid value of its own node as written (type, enum, bounds, lengths, pattern, "
             "required fields, string formats, and the CEL rules of the node and the nodes below it, transition "
             "rules with `oldSelf` the default itself, as the API server runs them there, and from 1.30 again as "
             "on create for `optionalOldSelf` rules), hold no field that pruning would drop, give an embedded resource a valid "
             "`apiVersion` and `kind`, and be absent from the root's `apiVersion`, `kind` and `metadata` and "
             "from `additionalProperties` inside a resource's metadata; a v1beta1 CRD may give defaults only "
             "with `preserveUnknownFields: false`.",
        why="`kubectl apply` of such a CRD fails, so its custom resources cannot exist. k8slint reports the CRD "
            "and does not use the schema (its resources are reported by CRD005); it never fetches what a `$ref` "
            "names.",
        example="openAPIV3Schema:\n  type: object\n  properties:\n    spec:\n      type: string\n"
                "      pattern: \"([\"\n",
        fix="Correct the schema node named in the message; the API server's own message for it is the same.")),
    _crd(INVALID_CRD, "invalid-crd", "A CRD the API server refuses", RuleDoc(
        what="Reports a CRD whose own fields the API server rejects: `spec.versions` that is not a list, "
             "`spec.validation` or `openAPIV3Schema` that is not a mapping, a version without a name, a missing "
             "`spec.group` or `spec.names.kind`.",
        why="Such a CRD is refused on apply; k8slint reports it instead of guessing what it meant.",
        example="spec:\n  group: acme.io\n  versions: \"v1\"\n",
        fix="Write the field as the apiextensions API defines it (`versions` is a list of mappings, each with "
            "`name`, `served`, `storage` and `schema.openAPIV3Schema`).")),
    _crd(UNUSABLE_CRD, "custom-resource-of-refused-crd", "A custom resource whose CRD has no usable schema",
         RuleDoc(
             what="Reports a custom resource whose CRD is in the input but cannot be used: the API server would "
                  "refuse the CRD (CRD003, CRD004), so there is no schema to validate the object against.",
             why="The object is not validated; the CRD's own finding says why. Without this message the object "
                 "would look valid.",
             example="apiVersion: acme.io/v1\nkind: Widget\n# its CRD has pattern: \"([\"\n",
             fix="Correct the CRD.")),
    _crd(INVALID_RULE, "invalid-cel-rule", "A CEL validation rule of a CRD does not compile", RuleDoc(
        what="Reports, at the rule, an `x-kubernetes-validations` rule (or `messageExpression`) of a CRD that "
             "does not compile in the CEL environment the target version's API server gives CRD rules: a syntax "
             "error, an unknown function, a library the version does not have yet (IP and CIDR functions before "
             "1.31, quantities and optionals before 1.29, semver before 1.33), or a type error with `self` typed "
             "from the schema as the API server types it (a field the schema does not declare, a string "
             "function on an integer, `int == string`, a `date-time` string used as a string: it is a timestamp; "
             "property names spelled escaped: `self.__namespace__`, `self.x__dash__y`); a rule that does not "
             "give a bool or a `messageExpression` that does not give a string; a rule on a node CEL has no type "
             "for; an entry the API server refuses before compiling (no rule, a message with line breaks or "
             "none for a multi-line rule, an unsupported `reason`, a `fieldPath` that names no field: only "
             "`.field` and `['key']` steps); `oldSelf` inside the items of a list that is not a map list, "
             "`optionalOldSelf` on a rule without `oldSelf`; and a rule whose estimated cost is over the API server's limit (10,000,000 per expression, "
             "100,000,000 for all the rules of a schema, each times how often its node can occur): comprehensions "
             "over lists and maps without `maxItems` / `maxProperties` count as many iterations as a 3 MiB "
             "request can hold, and string work (`==`, `+`, `contains`, `matches`, `find`, `split` ...) costs a "
             "tenth of the strings' length (4 bytes per `maxLength` character, else a 3 MiB request; a regex "
             "a quarter of its length on top), and the lists `map()` and `filter()` build have as many items as "
             "they iterate, as the API server's estimator counts. k8slint's estimate stays at or below the API "
             "server's (a size it cannot tell, such as what `string()` gives, counts nothing), so a rule it "
             "reports is refused.",
        why="The API server refuses such a CRD, so its custom resources cannot be created; they are reported by "
            "CRD005. Where protobuf (which types objects for the C++ "
            "checker) cannot hold a field's type (a list of lists inside an object) the field is a list of "
            "dyn there, and a rule's dyn result is then not refused.",
        example="x-kubernetes-validations:\n  - rule: \"self.replicas >\"\n",
        fix="Correct the expression; `k8slint lint -k VERSION` checks it against the libraries of that version.")),
    _crd(RULE_FAILED, "cel-rule-failed", "A custom resource breaks a CEL rule of its CRD", RuleDoc(
        what="Evaluates every `x-kubernetes-validations` rule of the CRD on the custom resource, with `self` "
             "bound to each value the rule's schema node describes as the API server converts it (objects "
             "under their escaped property names, a null field absent, numbers as doubles, `date`/`date-time` "
             "strings as timestamps, `duration` as durations, `byte` as bytes, int-or-string as it is), and "
             "reports each rule that gives false, at the "
             "rule's node plus its `fieldPath`, with its `messageExpression`, `message` or the rule itself, and "
             "its `reason` (Invalid value, Required value, Forbidden, Duplicate value). A rule that fails to "
             "evaluate (`no such key`) is reported too, as the API server does. Transition rules (those that "
             "name `oldSelf`) need the stored object and are skipped, as on create; with `optionalOldSelf: true` "
             "they run with `oldSelf` empty, as on create. CRD rules are evaluated from Kubernetes 1.25.",
        why="The API server rejects the object with this message; schema validation alone would let it pass.",
        example="# rule on spec: \"self.minReplicas <= self.maxReplicas\"\nspec: {minReplicas: 5, maxReplicas: 2}\n",
        fix="Change the object so the rule holds; the message is the CRD author's.")),
    _crd(RULE_NOT_EVALUATED, "cel-rule-not-evaluated", "A CEL rule could not be evaluated", RuleDoc(
        what="Reports a CEL rule that the evaluator stopped (more than its iteration budget: nested loops over "
             "long lists) or a value CEL cannot hold (an integer beyond 64 bits).",
        why="Evaluation is bounded so that a hostile rule or object cannot hang the run; the rule is then not "
            "judged, and you should know that it was not.",
        example="# rule: \"self.all(a, self.all(b, self.all(c, a + b + c > 0)))\" on a list of 1,000 items\n",
        fix="Nothing in the object, usually; a CRD author can bound the lists (`maxItems`).")),
    _crd(DUPLICATE_ITEM, "duplicate-list-item", "A set or map list of a custom resource repeats an item", RuleDoc(
        what="Reports an item of a custom resource's list whose schema says `x-kubernetes-list-type: set` and "
             "that repeats an earlier item, or `map` and that repeats the `x-kubernetes-list-map-keys` of an "
             "earlier item, after defaults are applied (a defaulted key counts, as in the cluster).",
        why="The API server rejects the object with `Duplicate value`.",
        example="# ports: list-type map, keys [containerPort, protocol]; protocol defaults to TCP\n"
                "ports:\n  - {containerPort: 80, protocol: TCP}\n  - {containerPort: 80}\n",
        fix="Remove or merge the repeated item.")),
    _crd(BAD_FORMAT, "invalid-format", "A custom resource's string does not have its schema's format", RuleDoc(
        what="Checks the string `format`s the API server checks on custom resources: `date-time`, `date`, "
             "`duration`, `byte` (base64), `uuid`, `uuid3`, `uuid4`, `uuid5`, `hostname`, `ipv4`, `ipv6`, "
             "`cidr`, `mac`, `uri`, `email`, `hexcolor`, `rgbcolor`, `bsonobjectid`. Other formats are not "
             "checked, as by the API server.",
        why="The API server rejects the object (`must be of format ...`); the JSON schema check alone does not "
            "look at formats.",
        example="# expires: {type: string, format: date-time}\nexpires: tomorrow\n",
        fix="Write the value in the format (`2026-01-31T12:00:00Z` for date-time, `1h30m` for duration ...).")),
]
