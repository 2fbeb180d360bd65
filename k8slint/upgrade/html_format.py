"""The report as one self-contained HTML page: inline CSS and inline SVG, no script, no font, no image and no
address outside the page (a Content-Security-Policy forbids loading anything, so a page edited later cannot
start fetching either).

- a summary, then the upgrade plan drawn as a timeline (the path's versions on an axis with the cluster's
  stops marked; under each step its changes, each drawn as its window with a mark where it is made), then a
  timeline chart: one bar per apiVersion/kind used, coloured and patterned by state at each
  version of the path (served, deprecated, removed, not served), with the hops where objects stop working
  marked on the axis and across the bars, and the same facts in words under each bar;
- the hops (a table, then one table per hop with changes) and the objects needing action;
- tables turn into one card per row on narrow screens, and a print stylesheet keeps colours and avoids
  breaking rows across pages. States are never told by colour alone: every bar has its words, every status
  its text and mark.
"""
from __future__ import annotations

from html import escape

from ..versions import KubeVersion
from .lifecycle import CUSTOM, DEPRECATED, REMOVED, SERVED, STATE_LABELS, TOOL, UNSERVED, describe_states, runs
from .model import BLOCKING, MANUAL, OK, SAFE, UNSAFE
from .plan import change_fix, step_note, step_title, window_text
from .words import (CHANGE_LABELS, hop_changes, hop_headline, hop_label, issue_when, plural, shown_hops, status_text,
                    scanned, summary_cards, validity_text, verdict)

_FILL = {SERVED: "#3f9a55", DEPRECATED: "url(#pat-deprecated)", REMOVED: "url(#pat-removed)",
         UNSERVED: "url(#pat-unserved)", CUSTOM: "#6d8fc4", TOOL: "#9aa3ad"}
_FIX_TEXT = {SAFE: "safe", UNSAFE: "unsafe (--unsafe-fixes)", MANUAL: "manual", None: "manual"}
_MARK = {BLOCKING: "✗", "action": "!", OK: "✓"}

CSS = """
:root { --ink: #1d2430; --muted: #556070; --line: #d5dae1; --bad: #b3261e; --warn: #8a5a00; --good: #2a7a3f;
        --bad-bg: #fbe9e7; --warn-bg: #fff4d6; --good-bg: #e6f4ea; --paper: #ffffff; --shade: #f5f7fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.45;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.2rem; }
h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
h1 .path { white-space: nowrap; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
h3 .headline { font-weight: normal; color: var(--muted); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
              font-size: .88em; overflow-wrap: anywhere; }
a { color: #1f5fae; }
.verdict { font-size: 1.1rem; font-weight: 600; padding: .5rem .8rem; border-radius: 6px; margin: .4rem 0 0; }
.verdict.bad { background: var(--bad-bg); color: var(--bad); border-left: 5px solid var(--bad); }
.verdict.good { background: var(--good-bg); color: var(--good); border-left: 5px solid var(--good); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem; margin: 0; }
.cards div { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .7rem; background: var(--shade); }
.cards dt { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.cards dd { margin: .15rem 0 0; }
.cards .big { display: block; font-size: 1.45rem; font-weight: 700; line-height: 1.2; }
.cards .small { display: block; font-size: .85rem; color: var(--muted); }
.cards div.bad { border-left: 5px solid var(--bad); }
.cards div.bad .big { color: var(--bad); }
.cards div.good { border-left: 5px solid var(--good); }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .4rem 0 .8rem; padding: 0; list-style: none;
          font-size: .9rem; }
.legend li { display: flex; align-items: center; gap: .35rem; }
.legend svg { width: 1.8rem; height: .9rem; border: 1px solid var(--line); }
.legend .break-key { display: inline-block; width: 0; height: .95rem; border-left: 3px solid var(--ink); }
.chart { margin: 0; }
.axis { display: grid; font-size: .72rem; color: var(--muted); margin: 0 0 .2rem; text-align: center; }
.axis span { padding: .1rem 0; border-left: 1px solid var(--line); }
.axis span.break { color: var(--bad); font-weight: 700; border-left: 3px solid var(--ink); }
.row { margin: 0 0 .7rem; break-inside: avoid; }
.row .name { font-weight: 600; overflow-wrap: anywhere; }
.row .count { color: var(--muted); font-weight: normal; }
.row svg.bar { display: block; width: 100%; height: 22px; border: 1px solid var(--line); }
.row .states { font-size: .85rem; color: var(--muted); }
svg.mini { display: block; width: 100%; height: 10px; border: 1px solid var(--line);
           margin-bottom: .15rem; }
.sep { stroke: #ffffff; stroke-width: 1; }
.hop-line { stroke: var(--ink); stroke-width: 3; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
td { overflow-wrap: break-word; }
table.changes { table-layout: fixed; }
table.changes th:nth-child(1) { width: 13rem; }
table.changes th:nth-child(2) { width: 23%; }
table.changes th:nth-child(4) { width: 22%; }
table.changes th:nth-child(5) { width: 11.5rem; }
table.objects { table-layout: fixed; }
table.objects th:nth-child(1) { width: 22%; }
table.objects th:nth-child(2) { width: 17%; }
table.objects th:nth-child(3) { width: 17%; }
th { background: var(--shade); font-size: .82rem; color: var(--muted); text-transform: uppercase;
     letter-spacing: .02em; }
td.num, th.num { text-align: right; }
tr.quiet td { color: var(--muted); }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: .7rem; font-size: .82rem; font-weight: 600;
         white-space: nowrap; }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.good { background: var(--good-bg); color: var(--good); }
.badge.plain { background: var(--shade); color: var(--muted); }
ul.issues { margin: 0; padding: 0; list-style: none; }
ul.issues li { margin: 0 0 .45rem; }
td .badge { white-space: normal; }
.note { color: var(--muted); font-size: .85rem; }
details summary { cursor: pointer; font-weight: 600; margin: .6rem 0; }
footer { color: var(--muted); font-size: .85rem; margin-top: 2rem; padding-bottom: 2rem; }
.nw { white-space: nowrap; }
.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
ol.plan { margin: 0; padding: 0; list-style: none; }
ol.plan > li { margin: 0 0 1rem; padding: .5rem 0 0; border-top: 3px solid #1f5fae; }
ol.plan .change { break-inside: avoid; }
ol.plan h3 { margin: 0 0 .3rem; }
ol.plan .do { margin: 0 0 .4rem; overflow-wrap: anywhere; }
.axis span.milestone { color: #1f5fae; font-weight: 700; border-left: 3px solid #1f5fae; }
.change { margin: .35rem 0 .6rem; }
.change .name { font-weight: 600; overflow-wrap: anywhere; }
.change svg.window { display: block; width: 100%; height: 14px; border: 1px solid var(--line);
                     background: var(--shade); }
.window-open { fill: #9cc3ea; }
.made { fill: #1f5fae; }
.stop-line { stroke: #1f5fae; stroke-width: 2; stroke-dasharray: 3 2; }
.change .when { font-size: .85rem; color: var(--muted); }
.legend .window-key { display: inline-block; width: 1.8rem; height: .9rem; background: #9cc3ea; }
.legend .made-key { display: inline-block; width: .6rem; height: .9rem; background: #1f5fae; }
@media (max-width: 720px) {
  body { font-size: 14px; }
  h1 { font-size: 1.3rem; }
  .axis { font-size: .62rem; }
  .axis span { writing-mode: vertical-rl; transform: rotate(180deg); padding: .2rem 0; border-left: none;
               border-right: 1px solid var(--line); }
  .axis span.break { border-left: none; border-right: 3px solid var(--ink); }
  .axis span.milestone { border-left: none; border-right: 3px solid #1f5fae; }
  table.cards-on-narrow thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
                                clip: rect(0 0 0 0); }
  table.cards-on-narrow, table.cards-on-narrow tbody, table.cards-on-narrow tr,
  table.cards-on-narrow td { display: block; width: auto; }
  table.cards-on-narrow tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 .7rem;
                             padding: .35rem .6rem; break-inside: avoid; }
  table.cards-on-narrow td { border: none; padding: .2rem 0; display: grid; grid-template-columns: 6.5rem 1fr;
                             gap: .6rem; text-align: left; }
  table.changes th, table.objects th { width: auto !important; }
  table.cards-on-narrow td::before { content: attr(data-label); font-weight: 600; color: var(--muted);
                                     font-size: .8rem; }
  table.cards-on-narrow caption { display: block; }
  table.cards-on-narrow td { overflow-wrap: anywhere; }
  table.cards-on-narrow tr.quiet { display: none; }
  svg.mini { max-width: none; }
}
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr, .row, .cards div { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  details > summary { list-style: none; }
  details::details-content { content-visibility: visible; display: block; }
}
"""

_DEFS = """<svg class="defs" aria-hidden="true" focusable="false"><defs>
<pattern id="pat-deprecated" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
<rect width="8" height="8" fill="#f3c04f"/><rect width="3" height="8" fill="#b98300"/></pattern>
<pattern id="pat-removed" width="8" height="8" patternUnits="userSpaceOnUse">\
<rect width="8" height="8" fill="#c0352b"/><path d="M0 0L8 8M8 0L0 8" stroke="#ffffff" stroke-opacity="0.6" \
stroke-width="1.3"/></pattern>
<pattern id="pat-unserved" width="6" height="6" patternUnits="userSpaceOnUse">\
<rect width="6" height="6" fill="#e4e7eb"/><circle cx="3" cy="3" r="1.1" fill="#8d96a1"/></pattern>
</defs></svg>"""


def e(text) -> str:
    return escape("" if text is None else str(text), quote=True)


def e_nw(text) -> str:
    """Escaped, with command-line options kept on one line (a line break inside --unsafe-fixes misleads)."""
    return e(text).replace("--unsafe-fixes", '<span class="nw">--unsafe-fixes</span>')


def render(report, **_) -> str:
    title = f"Kubernetes upgrade report: {report.start} → {report.end}"
    failing = report.failed
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="generator" content="k8slint report">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        _DEFS,
        "<header>",
        f'<h1>Kubernetes upgrade report <span class="path">{e(report.start)} → {e(report.end)}</span></h1>',
        f'<p class="verdict {"bad" if failing else "good"}" role="status">'
        f'{_MARK[BLOCKING] if failing else _MARK[OK]} {e(verdict(report))}</p>',
        "</header>",
        "<main>",
        _summary(report),
        _plan(report),
        _timeline(report),
        _hops(report),
        _objects(report),
        _problems(report),
        "</main>",
        f"<footer><p>Made with <code>k8slint report --from {e(report.start)} --to {e(report.end)}</code>"
        f"{' --strict' if report.strict else ''}. A hop is the upgrade from one minor version to the next; "
        "“removed” means the API server no longer serves it, “deprecated” that it still works but is on its "
        "way out. An object is valid in the target when its schema and the checks of the target's API server "
        "(SRV rules) both accept it, after the migration <code>k8slint fix</code> would make.</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


# ------------------------------------------------------------------------------------------------- pieces

def _summary(report) -> str:
    cards = "".join(f'<div class="{tone}"><dt>{e(label)}</dt><dd><span class="big">{e(big)}</span> '
                    f'<span class="small">{e_nw(small)}</span></dd></div>'
                    for label, big, small, tone in summary_cards(report))
    used = f'<p class="small">Configuration: {e(report.config_file)}</p>' if report.config_file else ""
    return f'<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>' \
           f'<dl class="cards">{cards}</dl>{used}</section>'


def _bar(states, labels, breaks: set, css: str, height: int, label: str) -> str:
    """One timeline bar: a rect per stretch of equal states, thin separators between versions, thick lines
    at the hops where objects stop working. Coordinates are percentages, so the bar stretches with the page
    without distorting its patterns."""
    n = len(labels)
    step = 100.0 / n
    out = [f'<svg class="{css}" width="100%" height="{height}" role="img" aria-label="{e(label)}">'
           f"<title>{e(label)}</title>"]
    for state, first, last in runs(states, labels):
        i, j = labels.index(first), labels.index(last)
        out.append(f'<rect x="{i * step:.4f}%" y="0" width="{(j - i + 1) * step:.4f}%" height="{height}" '
                   f'fill="{_FILL[state]}"><title>{e(STATE_LABELS[state])} '
                   f'{e(first if first == last else first + "–" + last)}</title></rect>')
    for i in range(1, n):
        x = f"{i * step:.4f}%"
        cls = "hop-line" if labels[i] in breaks else "sep"
        out.append(f'<line class="{cls}" x1="{x}" x2="{x}" y1="0" y2="{height}"/>')
    out.append("</svg>")
    return "".join(out)


def _breaking(report) -> dict:
    """version -> number of objects that stop working on the hop arriving there."""
    return {h.to: len(h.breaks) for h in report.hops if h.breaks}


def _legend() -> str:
    items = []
    for state in (SERVED, DEPRECATED, REMOVED, UNSERVED, CUSTOM):
        items.append(f'<li><svg aria-hidden="true" focusable="false"><rect width="100%" height="100%" '
                     f'fill="{_FILL[state]}"/></svg>{e(STATE_LABELS[state])}</li>')
    items.append('<li><span class="break-key" aria-hidden="true"></span>a hop where objects stop working</li>')
    return f'<ul class="legend" aria-label="Legend">{"".join(items)}</ul>'


def _timeline(report) -> str:
    labels = report.versions
    breaking = _breaking(report)
    axis = []
    for v in labels:
        if v in breaking:
            hint = f"hop to {v}: {plural(breaking[v], 'object')} stop{'s' if breaking[v] == 1 else ''} working"
            axis.append(f'<span class="break" title="{e(hint)}">{e(v)}</span>')
        else:
            axis.append(f"<span>{e(v)}</span>")
    rows = []
    for api in report.apis:
        words = describe_states(api.states, labels)
        extra = f"; use {api.replacement}" if api.replacement and any(s in (DEPRECATED, REMOVED) for s in api.states) \
            else ""
        rows.append(
            f'<div class="row"><div class="name">{e(api.label)} '
            f'<span class="count">· {e(plural(api.objects, "object"))}</span></div>'
            + _bar(api.states, labels, set(breaking), "bar", 22, f"{api.label}: {words}")
            + f'<div class="states">{e(words)}{e(extra)}</div></div>')
    breaks_text = ", ".join(f"{v} ({plural(n, 'object')})" for v, n in breaking.items()) or "none"
    return (
        '<section id="timeline" aria-labelledby="timeline-h"><h2 id="timeline-h">API lifecycle along the path</h2>'
        f"<p>Every apiVersion and kind the manifests use, at each version from {e(report.start)} to "
        f"{e(report.end)}. Hops where objects stop working: {e(breaks_text)}.</p>"
        + _legend()
        + f'<figure class="chart" id="chart" aria-label="Timeline of the API versions used">'
        f'<div class="axis" aria-hidden="true" style="grid-template-columns: repeat({len(labels)}, 1fr)">'
        + "".join(axis)
        + "</div>" + "".join(rows) + "</figure></section>")


def _plan(report) -> str:
    """The plan as a timeline: the path's versions on the axis with the cluster's stops marked; under each
    step, its changes, each drawn as its window along the path with a mark at the version where it is made."""
    plan = report.plan
    if plan is None or not plan.changes:
        return ""
    labels = report.versions
    n = len(labels)
    width = 100.0 / n
    stops = [s.cluster for s in plan.steps]
    axis = "".join(f'<span class="milestone" title="a step of the plan">{e(v)}</span>' if v in stops
                   else f"<span>{e(v)}</span>" for v in labels)

    def index(version, default: int) -> int:
        return labels.index(str(version)) if version is not None and str(version) in labels else default

    steps = []
    for number, step in enumerate(plan.steps, 1):
        rows = []
        made = index(step.cluster, 0)
        for c in step.changes:
            first, last = index(c.opens, 0), index(c.closes, n - 1)
            if c.closes is not None and str(c.closes) not in labels:
                last = 0 if c.closes < KubeVersion.parse(labels[0]) else n - 1
            last = max(first, last)
            words = (f"window {window_text(c)}" + (f", removed in {c.removed_in}" if c.removed_in else "")
                     + f"; made at {step.cluster}; {change_fix(c)}" + ("; advised" if c.advised else ""))
            lines = "".join(f'<line class="stop-line" x1="{labels.index(v) * width:.4f}%" '
                            f'x2="{labels.index(v) * width:.4f}%" y1="0" y2="14"/>' for v in stops if v in labels)
            bar = (f'<svg class="window" width="100%" height="14" role="img" aria-label="{e(words)}">'
                   f"<title>{e(words)}</title>"
                   f'<rect class="window-open" x="{first * width:.4f}%" y="0" width="{(last - first + 1) * width:.4f}%" '
                   f'height="14"/>{lines}'
                   f'<rect class="made" x="{made * width:.4f}%" y="0" width="{width:.4f}%" height="14"/></svg>')
            rows.append(f'<div class="change" data-object="{c.object.id}"><div class="name">'
                        f'<a href="#object-{c.object.id}">{e(c.object.label)}</a> <code>{e(c.what)}</code> '
                        f"{_fix_badge(c.fix)}</div>{bar}"
                        f'<div class="when">{e(words)} · <code>{e(c.issue.file)}:{c.issue.line}</code></div></div>')
        command = f"<code>{e(step.command)}</code>" if step.command else ""
        note = e(step_note(step)).replace(e(f"`{step.command}`"), command) if step.command else e(step_note(step))
        steps.append(f'<li class="step" data-cluster="{e(step.cluster)}"><h3>{number}. {e(step_title(step, plan))}'
                     f'</h3><p class="do">{note}</p>' + "".join(rows) + "</li>")
    legend = ('<ul class="legend" aria-label="Legend"><li><span class="window-key" aria-hidden="true"></span>'
              "the change's window: the cluster versions at which it can be made</li>"
              '<li><span class="made-key" aria-hidden="true"></span>the version where the plan makes it</li>'
              '<li><span class="break-key" aria-hidden="true" style="border-color:#1f5fae"></span>'
              "a stop of the cluster</li></ul>")
    return ('<section id="plan" aria-labelledby="plan-h"><h2 id="plan-h">Upgrade plan</h2>'
            f"<p>The cluster goes from {e(report.start)} to {e(report.end)} in {e(plural(len(plan.steps) - 1, 'stage'))}"
            f"; between the stops, the manifests change as listed, each inside its window.</p>" + legend
            + f'<figure class="chart" id="plan-chart" aria-label="Upgrade plan timeline">'
            f'<div class="axis" aria-hidden="true" style="grid-template-columns: repeat({n}, 1fr)">{axis}</div>'
            f'<ol class="plan">{"".join(steps)}</ol></figure></section>')


def _cells(row: list) -> str:
    """<td>s with the header text each needs to stand alone on a narrow screen."""
    return "".join(f'<td data-label="{e(label)}"{cls}><div>{html}</div></td>' for label, html, cls in row)


def _table(headers: list, rows: list, caption: str = "", css: str = "") -> str:
    head = "".join(('<th scope="col" class="num">' if h.startswith("#") else '<th scope="col">')
                   + e(h.lstrip("#")) + "</th>" for h in headers)
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    classes = "cards-on-narrow" + (f" {css}" if css else "")
    return (f'<table class="{classes}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table>")


def _fix_badge(fix) -> str:
    css = {SAFE: "good", UNSAFE: "warn"}.get(fix, "bad")
    return f'<span class="badge {css}">{e_nw(_FIX_TEXT[fix])}</span>'


def _hops(report) -> str:
    hops = shown_hops(report)
    rows = []
    for hop in hops:
        counts = hop.fix_counts()
        fixes = f"{counts['safe']} safe · {counts['unsafe']} unsafe · {counts['manual']} manual" if hop.changes \
            else "–"
        name = f'<a href="#hop-{e(hop.to)}">{e(hop_label(hop))}</a>' if hop.changes else e(hop_label(hop))
        breaks = f'<span class="badge bad">{_MARK[BLOCKING]} {len(hop.breaks)}</span>' if hop.breaks else "0"
        cls = "" if hop.changes else ' class="quiet"'
        rows.append(f"<tr{cls}>" + _cells([
            ("Hop", name, ""), ("Objects that stop working", breaks, ' class="num"'),
            ("Removed", str(len(hop.removed)), ' class="num"'),
            ("Schema errors", str(len(hop.invalid)), ' class="num"'),
            ("Deprecated", str(len(hop.deprecated)), ' class="num"'), ("Fixes", e(fixes), "")]) + "</tr>")
    out = ['<section id="hops" aria-labelledby="hops-h"><h2 id="hops-h">Hops</h2>',
           _table(["Hop", "#Objects that stop working", "#Removed", "#Schema errors", "#Deprecated", "Fixes"], rows,
                  f"Every hop from {report.start} to {report.end}")]
    for hop in hops:
        if not hop.changes:
            continue
        anchor = f"hop-{hop.to}"
        body = []
        for kind, c in hop_changes(hop):
            change = CHANGE_LABELS[kind]
            badge = ("bad" if c.blocking else "warn") if kind != "deprecated" else "warn"
            mark = _MARK[BLOCKING] if c.blocking else "!"
            text = f"{change}: breaks" if c.blocking else change
            body.append(f'<tr data-object="{c.object.id}">' + _cells([
                ("Change", f'<span class="badge {badge}">{mark} {e(text)}</span>', ""),
                ("Object", f'<a href="#object-{c.object.id}">{e(c.object.label)}</a>', ""),
                ("What", f"<code>{e(c.issue.subject)}</code> <span class=\"note\">{e(c.issue.rule_id)}</span>", ""),
                ("Where", f"<code>{e(c.issue.file)}:{c.issue.line}</code>", ""),
                ("k8slint fix", _fix_badge(c.issue.fix), "")]) + "</tr>")
        out.append(f'<section class="hop" id="{e(anchor)}" aria-labelledby="{e(anchor)}-h">'
                   f'<h3 id="{e(anchor)}-h">{e(hop_label(hop))} <span class="headline">· {e(hop_headline(hop))}</span>'
                   f"</h3>" + _table(["Change", "Object", "What", "Where", "k8slint fix"], body, css="changes")
                   + "</section>")
    quiet = [hop_label(h) for h in report.hops if not h.changes]
    if quiet:
        out.append(f'<p class="note">No change for these manifests at: {e(", ".join(quiet))}.</p>')
    out.append("</section>")
    return "".join(out)


def _status_badge(obj, report) -> str:
    css = {BLOCKING: "bad", "action": "warn", OK: "good"}[obj.status]
    return f'<span class="badge {css}">{_MARK[obj.status]} {e(status_text(obj, report))}</span>'


def _issue_item(issue) -> str:
    mark = _MARK[BLOCKING] if issue.blocking else "!"
    parts = [f"{mark} <strong>{e(issue.rule_id)}</strong> <code>{e(issue.subject)}</code> "
             f"({e(issue_when(issue))}): {e(issue.action)} {_fix_badge(issue.fix)}"]
    if issue.fix_note:
        parts.append(f'<div class="note">{"Why unsafe" if issue.fix == UNSAFE else "Note"}: {e(issue.fix_note)}</div>')
    if issue.fix != SAFE and issue.details:
        parts.append(f'<div class="note">By hand: {e(issue.details)}</div>')
    return "<li>" + "".join(parts) + "</li>"


def _objects(report) -> str:
    labels = report.versions
    breaks = set(_breaking(report))
    acting = report.needing_action
    out = ['<section id="objects" aria-labelledby="objects-h"><h2 id="objects-h">Objects needing action</h2>']
    if acting:
        rows = []
        for obj in acting:
            words = describe_states(obj.states, labels)
            ident = (f"<strong>{e(obj.label)}</strong><br><code>{e(obj.where)}</code><br>"
                     f"<code>{e(obj.api_version or '?')}</code>")
            lifecycle = _bar(obj.states, labels, breaks, "mini", 10, f"{obj.api_version}: {words}") + \
                f'<span class="note">{e(words)}</span>'
            state = (f"{_status_badge(obj, report)}<br>k8slint fix: {_fix_badge(obj.fix)}"
                     f'<div class="note">In {e(report.end)}: {e(validity_text(obj, report))}</div>')
            issues = '<ul class="issues">' + "".join(_issue_item(i) for i in obj.issues) + "</ul>"
            rows.append(f'<tr id="object-{obj.id}" data-status="{e(obj.status)}">' + _cells([
                ("Object", ident, ""), ("Lifecycle", lifecycle, ""), ("Status", state, ""),
                ("Actions", issues, "")]) + "</tr>")
        out.append(_table(["Object", "Lifecycle", "Status", "Actions"], rows,
                          f"{len(acting)} of {scanned(report)}, in input order", "objects"))
    else:
        out.append(f"<p>All {e(scanned(report))} work in {e(report.end)} as written.</p>")
    fine = [o for o in report.objects if o.status == OK]
    if fine:
        rows = []
        for obj in fine:
            rows.append(f'<tr id="object-{obj.id}" data-status="ok">' + _cells([
                ("Object", e(obj.label), ""), ("Where", f"<code>{e(obj.where)}</code>", ""),
                ("apiVersion", f"<code>{e(obj.api_version or '?')}</code>", ""),
                ("Lifecycle", e(describe_states(obj.states, labels)), ""),
                (f"Valid in {report.end}", e(validity_text(obj, report)), "")]) + "</tr>")
        out.append(f"<details><summary>{e(plural(len(fine), 'object needs', 'objects need'))} no change</summary>"
                   + _table(["Object", "Where", "apiVersion", "Lifecycle", f"Valid in {report.end}"], rows)
                   + "</details>")
    out.append("</section>")
    return "".join(out)


def _problems(report) -> str:
    if not report.problems:
        return ""
    rows = [("<tr>" + _cells([("Where", f"<code>{e(p.file)}:{p.line}:{p.column}</code>", ""),
                              ("Rule", f"{e(p.rule_id)} ({e(p.severity)})", ""),
                              ("Problem", e(p.message), "")]) + "</tr>") for p in report.problems]
    return ('<section id="problems" aria-labelledby="problems-h"><h2 id="problems-h">Inputs not read</h2>'
            + _table(["Where", "Rule", "Problem"], rows) + "</section>")
