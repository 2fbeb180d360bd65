"""Read the prerelease-lifecycle tags of a kubernetes/api git directory and compare them with rules/.

Usage:
    python tools/lifecycle_tags.py PATH-TO-KUBERNETES-API-GIT [--out DIR] [--compare]

PATH is a clone or bare git directory of kubernetes/api with its release branches (`release-1.19` ...
`master`, local or `origin/` refs). For every branch, the tool reads each group/version's `register.go`
(the group name and the kinds it registers) and `zz_generated.prerelease-lifecycle.go` (introduced,
deprecated, removed and replacement per kind), and the `+k8s:prerelease-lifecycle-gen:` comments of the
`types.go` files (to tell tags written by a person from the generator's defaults: deprecated = introduced + 3,
removed = deprecated + 3).

It prints (or writes to DIR/lifecycle-tags.yaml) one row per group/version/kind in k8slint's own record
shape: api_version, kind, introduced, deprecated, removed, replacement, which values were explicit tags,
the first and last branch registering the kind, and the tag history when a value changed between branches.
With --compare it lists every disagreement with rules/api-versions.yaml.

The table is read from a repository the project must not copy into its commits: keep the output outside the
repository (for example /work/shared/lifecycle-tags/) unless the project decides to vendor it.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

_FUNC = re.compile(r"func \(in \*(\w+)\) APILifecycle(Introduced|Deprecated|Removed)\(\) \(major, minor int\) \{\s*"
                   r"return (\d+), (\d+)")
_REPLACEMENT = re.compile(r"func \(in \*(\w+)\) APILifecycleReplacement\(\) schema\.GroupVersionKind \{\s*"
                          r"return schema\.GroupVersionKind\{Group: \"([^\"]*)\", Version: \"([^\"]*)\", "
                          r"Kind: \"([^\"]*)\"\}")
_GROUP = re.compile(r"const GroupName = \"([^\"]*)\"")
_VERSION = re.compile(r"SchemeGroupVersion = schema\.GroupVersion\{Group: GroupName, Version: \"([^\"]+)\"\}")
_KNOWN = re.compile(r"AddKnownTypes\(SchemeGroupVersion,(.*?)\)", re.S)
_TYPE_REF = re.compile(r"&(\w+)\{\}")
_TAG = re.compile(r"\+k8s:prerelease-lifecycle-gen:(introduced|deprecated|removed)=(\d+)\.(\d+)")
_TYPE_DECL = re.compile(r"^type (\w+) struct", re.M)


def git(gitdir: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(gitdir), *args], check=True, capture_output=True,
                          text=True).stdout


def branches(gitdir: Path) -> list:
    """(ref, minor) for release-1.N branches (minor N) and master (newest release + 1), oldest first."""
    refs = git(gitdir, "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes").split()
    found: dict = {}
    for ref in refs:
        name = ref.split("/", 1)[1] if ref.startswith("origin/") else ref
        m = re.fullmatch(r"release-1\.(\d+)", name)
        if m:
            found.setdefault(int(m.group(1)), ref)
        elif name == "master":
            found.setdefault("master", ref)
    minors = sorted(k for k in found if k != "master")
    out = [(found[m], m) for m in minors]
    if "master" in found and minors:
        out.append((found["master"], minors[-1] + 1))
    return out


def explicit_tags(text: str) -> dict:
    """kind -> {tag: "1.N"} for tags written in a types.go file (the comment block above each type)."""
    out: dict = {}
    pending: dict = {}
    for line in text.splitlines():
        m = _TAG.search(line)
        if m:
            pending[m.group(1)] = f"{m.group(2)}.{m.group(3)}"
            continue
        d = _TYPE_DECL.match(line)
        if d:
            if pending:
                out[d.group(1)] = pending
            pending = {}
        elif line.strip() and not line.lstrip().startswith("//"):
            pending = {}
    return out


def read_branch(gitdir: Path, ref: str) -> dict:
    """(api_version, kind) -> row for one branch."""
    files = git(gitdir, "ls-tree", "-r", "--name-only", ref).split()
    dirs = sorted({f.rsplit("/", 1)[0] for f in files if f.endswith("/register.go")})
    have = set(files)
    rows: dict = {}
    for d in dirs:
        register = git(gitdir, "show", f"{ref}:{d}/register.go")
        g, v = _GROUP.search(register), _VERSION.search(register)
        known = _KNOWN.search(register)
        if not (g and v and known):
            continue
        api_version = f"{g.group(1)}/{v.group(1)}" if g.group(1) else v.group(1)
        kinds = [k for k in _TYPE_REF.findall(known.group(1)) if not k.endswith("List")]
        values: dict = {}
        lifecycle = f"{d}/zz_generated.prerelease-lifecycle.go"
        if lifecycle in have:
            text = git(gitdir, "show", f"{ref}:{lifecycle}")
            for kind, tag, major, minor in _FUNC.findall(text):
                values.setdefault(kind, {})[tag.lower()] = f"{major}.{minor}"
            for kind, rg, rv, rk in _REPLACEMENT.findall(text):
                values.setdefault(kind, {})["replacement"] = f"{rg + '/' if rg else ''}{rv} {rk}"
        explicit: dict = {}
        for f in files:
            if f.startswith(d + "/") and f.count("/") == d.count("/") + 1 and f.endswith("types.go"):
                for kind, tags in explicit_tags(git(gitdir, "show", f"{ref}:{f}")).items():
                    explicit.setdefault(kind, {}).update(tags)
        for kind in kinds:
            row = {"api_version": api_version, "kind": kind, "dir": d}
            row.update(values.get(kind, {}))
            row["explicit"] = sorted(explicit.get(kind, {}))
            rows[(api_version, kind)] = row
    return rows


def collect(gitdir: Path) -> tuple:
    """The merged table (newest branch's tags, first/last branch, history) and the branch list."""
    refs = branches(gitdir)
    table: dict = {}
    for ref, minor in refs:
        for key, row in read_branch(gitdir, ref).items():
            version = f"1.{minor}"
            entry = table.setdefault(key, {"api_version": key[0], "kind": key[1], "first_branch": version,
                                           "history": []})
            entry["last_branch"] = version
            tags = {k: row.get(k) for k in ("introduced", "deprecated", "removed", "replacement")}
            tags["explicit"] = row["explicit"]
            if not entry["history"] or {k: v for k, v in entry["history"][-1].items() if k != "branch"} != tags:
                entry["history"].append({"branch": version, **tags})
            entry.update(tags)
    out = []
    for key in sorted(table):
        entry = table[key]
        if len(entry["history"]) == 1:
            entry.pop("history")
        out.append(entry)
    return out, refs


def _q(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_q(v) for v in value) + "]"
    return '"' + str(value).replace('"', '\\"') + '"'


def to_yaml(rows: list) -> str:
    keys = ("api_version", "kind", "introduced", "deprecated", "removed", "replacement", "explicit",
            "first_branch", "last_branch")
    lines = ["# Generated by tools/lifecycle_tags.py from kubernetes/api; see PROVENANCE.md. Do not edit.",
             "# introduced/deprecated/removed: the generated lifecycle of the newest branch carrying the kind;",
             "# explicit: which of them a person wrote as a tag (the others are the generator's defaults);",
             "# first_branch/last_branch: the releases whose register.go registers the kind."]
    for row in rows:
        lines.append(f"- api_version: {_q(row['api_version'])}")
        for k in keys[1:]:
            lines.append(f"  {k}: {_q(row.get(k))}")
        for h in row.get("history", []):
            if h is row["history"][0]:
                lines.append("  history:")
            lines.append("    - {" + ", ".join(f"{k}: {_q(h.get(k))}" for k in ("branch",) + keys[2:7]) + "}")
    return "\n".join(lines) + "\n"


def _v(text):
    return tuple(int(p) for p in text.split(".")) if text else None


def disagreements(record: dict, row: dict, oldest: str, newest: str) -> list:
    """(field, text) for each way an API record of rules/ contradicts the upstream row of one of its kinds.

    - introduced: a kind first registered after the oldest branch must be introduced on that branch (the tags'
      own introduced values are often copied from a sibling kind, register.go is not); older kinds must not be
      introduced after the oldest branch.
    - deprecated: a tag a person wrote must match; a generated default (introduced + 3) must match when the
      kind is still served at that minor, because the API server warns with it.
    - removed: a tag a person wrote must match, and so must a generated default while the types still exist at
      that minor for a beta version (the API server's expiration check acts on it; alpha versions are
      off by default and their storage often goes earlier); a kind whose types were deleted cannot be
      served after its last branch.
    """
    out = []
    name = f"{record['id']} {record['api_version']} {row['kind']}"
    introduced, deprecated, removed = (record.get(k) for k in ("introduced", "deprecated", "removed"))
    first, last = row["first_branch"], row["last_branch"]
    if introduced:
        if _v(first) > _v(oldest) and introduced != first:
            out.append(("introduced", f"{name}: introduced {introduced} in rules, first registered on {first}"))
        elif _v(first) == _v(oldest) and "introduced" in row["explicit"] and row.get("introduced") \
                and introduced != row["introduced"]:
            out.append(("introduced", f"{name}: introduced {introduced} in rules, {row['introduced']} in the tags"))
    tag_deprecated = row.get("deprecated")
    if tag_deprecated:
        binding = "deprecated" in row["explicit"] or (
            _v(tag_deprecated) <= _v(last) and (removed is None or _v(tag_deprecated) < _v(removed)))
        if binding and deprecated != tag_deprecated:
            out.append(("deprecated", f"{name}: deprecated {deprecated} in rules, {tag_deprecated} in the tags"
                        + ("" if "deprecated" in row["explicit"] else " (generated default the API server warns with)")))
    tag_removed = row.get("removed")
    beta = "alpha" not in row["api_version"].rsplit("/", 1)[-1]  # alpha storage often goes before the default
    if tag_removed and ("removed" in row["explicit"] or (beta and _v(tag_removed) <= _v(last))) \
            and removed != tag_removed:
        # the API server stops serving a version at its (generated) removal when the types are still there
        out.append(("removed", f"{name}: removed {removed} in rules, {tag_removed} in the tags"
                    + ("" if "removed" in row["explicit"] else " (generated default the API server acts on)")))
    if _v(last) < _v(newest):
        gone = f"1.{_v(last)[1] + 1}"
        if removed is None or _v(removed) > _v(gone):
            out.append(("removed", f"{name}: removed {removed} in rules, but the types are gone after {last}"))
    return out


def compare(rows: list, records: list) -> list:
    """Every disagreement between the tags and the API records, as readable lines."""
    by_key = {(r["api_version"], r["kind"]): r for r in rows}
    oldest = min((r["first_branch"] for r in rows), key=_v)
    newest = max((r["last_branch"] for r in rows), key=_v)
    problems = []
    for record in records:
        for kind in record["kinds"]:
            row = by_key.get((record["api_version"], kind))
            if row is not None:
                problems.extend(text for _field, text in disagreements(record, row, oldest, newest))
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gitdir", type=Path, help="kubernetes/api git directory with its release branches")
    parser.add_argument("--out", type=Path, help="write DIR/lifecycle-tags.yaml instead of printing")
    parser.add_argument("--compare", action="store_true", help="list disagreements with rules/api-versions.yaml")
    args = parser.parse_args(argv)
    rows, refs = collect(args.gitdir)
    text = to_yaml(rows)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "lifecycle-tags.yaml").write_text(text, encoding="utf-8")
        heads = {ref: git(args.gitdir, "rev-parse", ref).strip() for ref, _m in refs}
        (args.out / "branches.txt").write_text("".join(f"{ref} {sha}\n" for ref, sha in heads.items()),
                                               encoding="utf-8")
    else:
        sys.stdout.write(text)
    if args.compare:
        import yaml

        records = yaml.safe_load((Path(__file__).resolve().parents[1] / "rules" / "api-versions.yaml")
                                 .read_text(encoding="utf-8"))
        problems = compare(rows, records)
        for line in problems:
            print(line, file=sys.stderr)
        print(f"{len(problems)} disagreement(s)", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
