"""API rules: one per record of `rules/api-versions.yaml` (an apiVersion and the kinds sharing its lifecycle).

Judged from the target version: removed there or before is an error, deprecated a warning, otherwise
nothing. Objects dumped from a cluster are judged by the apiVersion the user applied too, which kubectl keeps
in the last-applied-configuration annotation (the API server answers in its preferred version).
"""
from __future__ import annotations

import json

from ..model import RuleDoc, RuleMeta, Severity, finding_at
from ..versions import KubeVersion, newest_embedded
from . import Rule, windows
from .context import RuleContext, lifecycle_state
from .data import load_table

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def replacement_text(record: dict, kind: str | None = None) -> str | None:
    """"apps/v1 Deployment" for the object's kind (records may cover several kinds)."""
    rep = record.get("replacement")
    if not rep:
        return None
    kind = rep.get("kind") or kind or ", ".join(record["kinds"])
    return f"{rep['api_version']} {kind}"


def _lifecycle_words(record: dict) -> str:
    parts = []
    if record.get("introduced"):
        parts.append(f"introduced {record['introduced']}")
    if record.get("deprecated"):
        parts.append(f"deprecated {record['deprecated']}")
    if record.get("removed"):
        planned = KubeVersion.parse(record["removed"]) > newest_embedded()
        parts.append(f"removed {record['removed']}" + (" (planned)" if planned else ""))
    return ", ".join(parts)


def _meta(record: dict) -> RuleMeta:
    kinds = ", ".join(record["kinds"])
    api = record["api_version"]
    removed, deprecated = record.get("removed"), record.get("deprecated")
    component = record.get("component")
    replacement = replacement_text(record)
    if record.get("never_existed"):
        default_title = f"{kinds} {api} never existed"
    else:
        default_title = f"{kinds} {api} is " + ("removed" if removed else "deprecated") + \
            (f" in {removed}" if removed else f" since {deprecated}")
    title = record.get("title") or default_title
    lifecycle = _lifecycle_words(record)
    if record.get("never_existed"):
        effect = ("No Kubernetes release ever served this combination: applying the manifest fails with "
                  "`no matches for kind` on every version. ")
    elif component:
        # config files are read by a component, never sent to (or served by) the API server
        effect = (f"It is a {component} configuration file, never an API-server object. "
                  + (f"From {removed} on, {component} refuses the file: it no longer reads this version. "
                     if removed else f"{component} still reads it, but the version is on its way out. "))
    else:
        effect = (f"From {removed} on, the API server no longer serves it by default: applying the manifest "
                  "fails with `no matches for kind`. " if removed else
                  "It still works, but it is on its way out and the API server answers with a deprecation "
                  "warning. ")
    why = f"{api} {kinds} ({record.get('stage', 'beta')}): {lifecycle or 'never served'}. " + effect + \
        (record.get("notes") or "")
    example = f"apiVersion: {api}\nkind: {record['kinds'][0]}\nmetadata:\n  name: example\n"
    fix = (f"Use {replacement}" + (f" (served since {record['replacement']['since']})"
                                   if record["replacement"].get("since") else "") + ". "
           if replacement else "There is no replacement API. ") + record.get("migration", "").strip()
    what = (f"Finds {component} configuration files ({kinds}) written with apiVersion {api}." if component else
            f"Finds {kinds} objects written with apiVersion {api}, and objects whose last-applied "
            f"configuration used it.")
    docs = RuleDoc(
        what=what, why=why.strip(), example=example, fix=fix.strip(),
        fix_safety="`k8slint fix` rewrites it where a migration is known; see the finding's fix note.")
    severity = Severity.ERROR if removed or record.get("never_existed") else Severity.WARNING
    return RuleMeta(record["id"], record["name"], title, severity, docs,
                    versions=lifecycle or "every version", family="API")


def _finding(record: dict, meta: RuleMeta, resource, ctx: RuleContext, api_version: str, kind: str,
             path: tuple, via_last_applied: bool):
    never = bool(record.get("never_existed"))
    state = "removed" if never else lifecycle_state(ctx.target, record.get("deprecated"), record.get("removed"))
    if state == "ok":
        return None
    removed, deprecated = record.get("removed"), record.get("deprecated")
    component = record.get("component")
    replacement, later = _replacement_for(record, kind, ctx)
    subject = f"{kind} {api_version}"
    if never:
        message = f"{subject} never existed: no Kubernetes release served it"
        severity = Severity.ERROR
    elif state == "removed":
        message = f"{subject} was removed in {removed}"
        if component:
            message += f": from {removed} on, {component} refuses it"
        severity = Severity.ERROR
    else:
        message = f"{subject} is deprecated since {deprecated}"
        if removed:
            planned = KubeVersion.parse(removed) > newest_embedded()
            message += (f" and {component} stops reading it in {removed}" if component
                        else f" and will be removed in {removed}") + (" (planned)" if planned else "")
        severity = Severity.WARNING
    message += f"; use {replacement}" if replacement else "; it has no replacement API"
    if later:
        message += f" ({later})"
    if via_last_applied:
        message = f"last applied with kubectl as {api_version}: " + message
    extra = {"deprecated_in": deprecated, "removed_in": removed, "replacement": replacement}
    if ctx.current is not None and not never:
        current_state = lifecycle_state(ctx.current, deprecated, removed)
        extra["current_version_state"] = current_state
        if current_state == "removed":
            message += (f" (already refused by your current version {ctx.current})" if component else
                        f" (already not served by your current version {ctx.current})")
        elif state == "removed":
            message += (f" (still read by {ctx.current}; breaks on the upgrade to {removed})" if component else
                        f" (still served by {ctx.current}; breaks on the upgrade to {removed})")
    suggestion = record.get("migration", "").strip() or None
    return finding_at(resource, meta.id, severity, message, path, suggestion=suggestion, extra=extra)


def _replacement_for(record: dict, kind: str, ctx: RuleContext) -> tuple:
    """(replacement text, a note on when it is served) for these versions: the successor served at the target
    and the current version when one is, else the record's replacement with the window it needs."""
    pair = (record["api_version"], kind)
    pick = windows.choose(*pair, ctx.target, ctx.current)
    if pick is not None:
        return windows.words(pick), ""
    at_target = windows.choose(*pair, ctx.target)
    if at_target is None:
        return replacement_text(record, kind), ""
    links = windows.chain(*pair, ctx.current, ctx.target) if ctx.current is not None else []
    opens, closes = windows.window(pair, at_target)
    if links and links[0].to is not None and links[0].to != at_target:
        step = links[0]
        return windows.words(at_target), (f"your cluster {ctx.current} does not serve it; first move to "
                                          f"{windows.words(step.to)} on a {_range(step.opens, step.closes)} cluster")
    return windows.words(at_target), (f"served from {opens}, not by your current version {ctx.current}: upgrade "
                                      f"the cluster to {_range(opens, closes)} and migrate there")


def _range(opens, closes) -> str:
    if closes is None:
        return f"{opens} or later"
    return str(opens) if closes <= opens else f"{opens}-{closes}"


def last_applied(resource):
    """(apiVersion, kind) of the manifest kubectl last applied, from its annotation, or None."""
    text = resource.metadata.get("annotations", {}).get(LAST_APPLIED) \
        if isinstance(resource.metadata.get("annotations"), dict) else None
    if not isinstance(text, str):
        return None
    try:
        applied = json.loads(text)
    except ValueError:
        return None
    if not isinstance(applied, dict):
        return None
    api_version, kind = applied.get("apiVersion"), applied.get("kind")
    if isinstance(api_version, str) and isinstance(kind, str):
        return api_version, kind
    return None


def _make_check(record: dict, meta: RuleMeta):
    api = record["api_version"]
    kinds = frozenset(record["kinds"])

    def check(resource, ctx: RuleContext):
        if resource.api_version == api and resource.kind in kinds:
            f = _finding(record, meta, resource, ctx, api, resource.kind, ("apiVersion",), False)
            if f:
                yield f
            return
        applied = last_applied(resource)
        if applied and applied[0] == api and applied[1] in kinds:
            f = _finding(record, meta, resource, ctx, api, applied[1],
                         ("metadata", "annotations", LAST_APPLIED), True)
            if f:
                yield f

    check.api_version = api  # lets the engine index rules by apiVersion instead of asking each one
    return check


def api_version_rules() -> list:
    rules = []
    for record in load_table("api-versions"):
        meta = _meta(record)
        rules.append(Rule(meta, _make_check(record, meta), record))
    return rules


def mapkubeapis_command(release: dict) -> str:
    """The helm-mapkubeapis command that rewrites one release's stored manifest."""
    namespace = release.get("namespace")
    return f"helm mapkubeapis {release.get('name') or 'RELEASE'}" + (f" --namespace {namespace}" if namespace else "")


def helm_release_name(release: dict) -> str:
    name, namespace = release.get("name") or "?", release.get("namespace")
    return f"{namespace}/{name}" if namespace else name


def helm_release_advice(release: dict) -> str:
    """What to do about a removed API in the stored manifest of a deployed Helm release."""
    revision = f" (revision {release['revision']})" if release.get("revision") is not None else ""
    return (f"Helm release {helm_release_name(release)}{revision} stores this apiVersion in its deployed "
            "manifest: once the cluster no longer serves it, the next `helm upgrade` fails even with a fixed "
            "chart, because Helm compares with the stored manifest. Fix the chart, then rewrite the stored "
            f"release with the helm-mapkubeapis plugin: `{mapkubeapis_command(release)}` (try `--dry-run` first).")


def with_helm_release_advice(findings: list) -> list:
    """Findings of removed apiVersions inside a deployed Helm release (relabelled, so carrying
    `extra["helm_release"]`) name the way out: `helm mapkubeapis`, per release."""
    for f in findings:
        release = f.extra.get("helm_release")
        if release and f.rule_id.startswith("API") and f.severity == Severity.ERROR and f.json_path == "apiVersion" \
                and "helm mapkubeapis" not in (f.suggestion or ""):
            f.suggestion = ((f.suggestion + " ") if f.suggestion else "") + helm_release_advice(release)
    return findings
