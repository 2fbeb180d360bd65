"""Where CI formats (SARIF, GitHub annotations, GitLab Code Quality) put a finding: on a file of the
repository, which code scanning and merge requests can show.

Most findings are where they say. Two kinds name something that is not a file on disk:
- a finding in a Helm release record (`helm:NS/RELEASE@REV:chart/templates/x.yaml`) goes to the Secret or
  ConfigMap that holds the record (`helm_release.record`), its message led by the release path;
- a finding in rendered Helm output names the template as Helm does, `CHART/templates/x.yaml` with CHART the
  chart's name; when that is no path here, it goes to the template in the chart directory of that name
  found below the repository root (`charts/web/templates/x.yaml`); when there is none, and the rendered output
  is a file of the repository, it goes to the rendered file's line, its message led by the template.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache

_CHART_NAME = re.compile(r"""^name:[ \t]*["']?([^"'\s#]+)""", re.M)
_SKIPPED_DIRS = {"node_modules", "vendor", "templates", "__pycache__"}
MAX_CHART_DEPTH = 6  # directory levels below the root searched for Chart.yaml
MAX_CHART_DIRS = 20_000  # directories looked at: a huge tree must not make a report slow


def ci_place(finding, root=None) -> tuple:
    """(file, line, column, lead) for a CI format; `lead` goes before the message ("" when the place is the
    finding's own)."""
    release = finding.extra.get("helm_release")
    record = release.get("record") if isinstance(release, dict) else None
    if isinstance(record, str) and ":" in record:
        file, _, line = record.rpartition(":")
        if line.isdigit():
            return file, int(line), 1, f"{finding.file}:{finding.line}:{finding.column}: "
    if "rendered_at" in finding.extra and not os.path.isfile(finding.file):
        in_chart = chart_template(finding.file, os.path.abspath(root if root is not None else os.getcwd()))
        if in_chart is not None:
            return in_chart, finding.line, finding.column, ""
        # rendered output committed to the repository (its chart is elsewhere): the rendered file is what
        # code scanning can show; the template Helm named leads the message
        rendered, _, line = str(finding.extra["rendered_at"]).rpartition(":")
        if line.isdigit() and rendered != "<stdin>" and os.path.isfile(rendered):
            return rendered, int(line), finding.column, f"{finding.file}:{finding.line}:{finding.column}: "
    return finding.file, finding.line, finding.column, ""


def chart_template(template: str, root: str) -> str | None:
    """The file below `root` that Helm rendered as `template` (CHART/templates/..., CHART/charts/SUB/...),
    or None."""
    chart, _, rest = template.partition("/")
    if not rest:
        return None
    for directory in chart_dirs(root).get(chart, ()):
        candidate = os.path.join(directory, rest)
        if os.path.isfile(candidate):
            return candidate
    return None


@lru_cache(maxsize=8)
def chart_dirs(root: str) -> dict:
    """Chart name -> directories below `root` whose Chart.yaml has that name (a bounded walk that skips
    hidden directories and templates)."""
    found: dict = {}
    seen = 0
    for directory, subdirs, files in os.walk(root):
        depth = directory[len(root):].count(os.sep)
        seen += 1
        if seen > MAX_CHART_DIRS:
            break
        subdirs[:] = [] if depth >= MAX_CHART_DEPTH else sorted(
            d for d in subdirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        if "Chart.yaml" in files:
            try:
                with open(os.path.join(directory, "Chart.yaml"), encoding="utf-8", errors="replace") as fh:
                    match = _CHART_NAME.search(fh.read(64 * 1024))
            except OSError:
                continue
            if match:
                found.setdefault(match.group(1), []).append(directory)
    return found
