"""Rule documentation rendered from the rules themselves: the terminal page (`k8slint explain`) and the
Markdown reference in docs/rules/ (written by k8slint.docgen, which adds what `fix` does)."""
from __future__ import annotations

from ..model import RuleMeta

SECTIONS = (("What it does", "what"), ("Why it matters", "why"), ("Example", "example"), ("How to fix", "fix"),
            ("Fix safety", "fix_safety"))


def render_rule_text(meta: RuleMeta) -> str:
    lines = [f"{meta.id} {meta.name}: {meta.title}",
             f"default severity: {meta.severity}; versions: {meta.versions}", ""]
    for heading, attr in SECTIONS:
        body = getattr(meta.docs, attr).rstrip()
        if not body:
            continue
        lines.append(heading)
        if attr == "example":
            lines.extend("    " + line for line in body.splitlines())
        else:
            lines.append("    " + body.replace("\n", "\n    "))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_rule_markdown(meta: RuleMeta) -> str:
    out = [f"# {meta.id} `{meta.name}`", "", f"**{meta.title}**", "",
           f"Default severity: **{meta.severity}**. Versions: {meta.versions}.", ""]
    for heading, attr in SECTIONS:
        body = getattr(meta.docs, attr).rstrip()
        if not body:
            continue
        out += [f"## {heading}", ""]
        out += ["```yaml", body, "```", ""] if attr == "example" else [body, ""]
    return "\n".join(out).rstrip() + "\n"


def render_index(rules) -> str:
    out = ["# Rule reference", "",
           "Generated from the rules by `python -m k8slint.docgen`; do not edit by hand.", "",
           "| id | name | severity | versions | title |", "| --- | --- | --- | --- | --- |"]
    for rule in rules:
        m = rule.meta
        out.append(f"| [{m.id}]({m.id}.md) | `{m.name}` | {m.severity} | {m.versions} | "
                   f"{m.title.replace('|', '/')} |")
    return "\n".join(out) + "\n"


def generated_files(rules) -> dict:
    """File name (relative to docs/rules) -> content, for every rule plus the index."""
    files = {"README.md": render_index(rules)}
    for rule in rules:
        files[f"{rule.id}.md"] = render_rule_markdown(rule.meta)
    return files
