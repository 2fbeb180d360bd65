"""Rule documentation as users read it: the rules' own docs, with the "Fix safety" section of API rules
taken from what `k8slint fix` really does for them (the fixer sits below the rules, so the rules cannot ask
it themselves). Used by `k8slint explain`, the SARIF help texts and the generated docs/rules/ pages;
`python -m k8slint.docgen` rewrites docs/rules/, and a test fails when the committed pages are stale."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .fixer.plan import migration_for
from .model import Finding, ObjectRef, Severity
from .rules import Rule, all_rules
from .rules import docs as rule_docs


def _api_fix_safety(rule: Rule) -> str:
    record = rule.record
    answers = {}
    for kind in record["kinds"]:
        finding = Finding(rule.id, Severity.ERROR, "", "", 1, 1, "apiVersion",
                          ObjectRef(record["api_version"], kind, None, None))
        migration = migration_for(finding)
        summary = migration.doc.splitlines()[0] if migration and migration.doc else ""
        answers[kind] = (migration.safety.value if migration and migration.safety else None, summary)
    lines = []
    for kind, (safety, description) in answers.items():
        what = f" ({description.rstrip('.')})" if description else ""
        subject = f"{kind}: " if len(answers) > 1 else ""
        if safety == "safe":
            lines.append(f"{subject}safe — `k8slint fix` migrates it by default{what}; the result must validate "
                         "strictly in the target version before it is written.")
        elif safety == "unsafe":
            lines.append(f"{subject}unsafe — only `k8slint fix --unsafe-fixes` migrates it{what}; without the "
                         "flag the finding lists the manual steps.")
        else:
            lines.append(f"{subject}no automatic fix — follow the steps under \"How to fix\".")
    lines.append("An object's own data can still make a fix unsafe or impossible; the finding then says why.")
    return "\n".join(lines)


_DOCUMENTED: dict = {}  # rule id -> the rule with the docs users see


def documented(rule: Rule) -> Rule:
    """The rule with the docs users see."""
    if rule.record is None or not rule.id.startswith("API"):
        return rule
    if rule.id not in _DOCUMENTED:
        meta = rule.meta
        docs = dataclasses.replace(meta.docs, fix_safety=_api_fix_safety(rule))
        _DOCUMENTED[rule.id] = dataclasses.replace(rule, meta=dataclasses.replace(meta, docs=docs))
    return _DOCUMENTED[rule.id]


def all_documented() -> list:
    return [documented(r) for r in all_rules()]


def generated_files() -> dict:
    return rule_docs.generated_files(all_documented())


def write_docs(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    files = generated_files()
    for old in target.glob("*.md"):
        if old.name not in files:
            old.unlink()
    for name, content in files.items():
        (target / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    write_docs(Path(__file__).resolve().parents[1] / "docs" / "rules")
