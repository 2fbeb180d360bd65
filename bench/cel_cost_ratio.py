#!/usr/bin/env python3
"""k8slint's static CEL cost estimate beside the API server's, on the shapes of apiextensions-apiserver's
cost estimation test (TestCostEstimation in pkg/apiserver/schema/cel/compilation_test.go).

    python bench/cel_cost_ratio.py PATH/TO/compilation_test.go

The schemas and rules below are ours, built to the shapes the upstream cases name; the upstream expected
estimates are read from the given file at run time (nothing of it is stored here). Prints, per case and
without / with the bound set, our estimate, upstream's and the ratio; then the median and the extremes. A
ratio above 1 would mean k8slint refuses rules the API server accepts: the script exits 1 then."""
from __future__ import annotations

import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from k8slint.cel import cost  # noqa: E402
from k8slint.cel.rules import build_plan  # noqa: E402


def _scalar(kind: str) -> dict:
    if kind in ("duration", "date", "date-time"):
        return {"type": "string", "format": kind}
    if kind == "int-or-string":
        return {"x-kubernetes-int-or-string": True}
    return {"type": kind}


def array(kind):
    return lambda m: {"type": "array", "items": _scalar(kind), **({"maxItems": m} if m is not None else {})}


def array_of_arrays(kind):
    return lambda m: {"type": "array", "items": {"type": "array", "items": _scalar(kind)},
                      **({"maxItems": m} if m is not None else {})}


OBJ = {"type": "object", "required": ["required"],
       "properties": {"required": {"type": "string"}, "optional": {"type": "string"}}}


def object_array(m):
    return {"type": "array", "items": OBJ, **({"maxItems": m} if m is not None else {})}


def map_of(kind):
    return lambda m: {"type": "object", "additionalProperties": _scalar(kind),
                      **({"maxProperties": m} if m is not None else {})}


def map_of_node(node):
    return lambda m: {"type": "object", "additionalProperties": node, **({"maxProperties": m} if m is not None else {})}


def string(m):
    return {"type": "string", **({"maxLength": m} if m is not None else {})}


def nested_spec(m):
    return {"type": "object", "additionalProperties": string(m), **({"maxProperties": m} if m is not None else {})}


def map_array(kind):
    return lambda m: {"type": "array", "items": {"type": "object", "additionalProperties": _scalar(kind)},
                      **({"maxItems": m} if m is not None else {})}


def enum(*values):
    return lambda m: {"type": "string", "enum": list(values), **({"maxLength": m} if m is not None else {})}


def string_array(m):
    return {"type": "array", "items": string(m), **({"maxItems": m} if m is not None else {})}


def str_object(*names):
    return lambda m: {"type": "object", "properties": {n: string(m) for n in names}}


CASES = [
    ("number array with all", array("number"), "self.all(x, true)"),
    ("string array with all", array("string"), "self.all(x, true)"),
    ("boolean array with all", array("boolean"), "self.all(x, true)"),
    ("array of number arrays with all", array_of_arrays("number"), "self.all(x, true)"),
    ("array of objects with all", object_array, "self.all(x, true)"),
    ("map of numbers with all", map_of("number"), "self.all(x, true)"),
    ("map of numbers with has", map_of("number"), "has(self.x)"),
    ("map of strings with all", map_of("string"), "self.all(x, true)"),
    ("map of booleans with all", map_of("boolean"), "self.all(x, true)"),
    ("string with contains", string, "self.contains('test')"),
    ("string with startsWith", string, "self.startsWith('test')"),
    ("string with endsWith", string, "self.endsWith('test')"),
    ("concat string", string, 'size(self + "hello") > size("hello")'),
    ("index of array with numbers", array("number"), "self[1] == 0.0"),
    ("index of array with strings", array("string"), "self[1] == self[1]"),
    ("O(n^2) loop with numbers", array("number"), "self.all(x, self.all(y, true))"),
    ("O(n^3) loop with numbers", array("number"), "self.all(x, self.all(y, self.all(z, true)))"),
    ("regex matches simple", string, 'self.matches("x")'),
    ("regex matches empty regex", string, 'self.matches("")'),
    ("map of strings with value length", nested_spec, "self.all(x, x.contains(self[x]))"),
    ("set array maxLength to zero", array("number"), "self[3] == 0.0"),
    ("set map maxLength to zero", map_of("number"), 'self["x"] == 0.0'),
    ("set string maxLength to zero", string, 'self == "x"'),
    ("set maxLength greater than estimated maxLength", array("number"), "self.all(x, x == 0.0)"),
    ("int-or-string array with all", array("int-or-string"), "self.all(x, true)"),
    ("index of array with int-or-strings", array("int-or-string"), "self[0] == 5"),
    ("index of array with booleans", array("boolean"), "self[0] == false"),
    ("index of array of array of numnbers", array_of_arrays("number"), "self[0][0] == -1.0"),
    ("array of number maps with all", map_array("number"), "self.all(x, x.y == 25.2)"),
    ("index of array of number maps", map_array("number"), "self[0].x > 2.0"),
    ("duration array with all", array("duration"), "self.all(x, true)"),
    ("index of duration array", array("duration"), "self[0].getHours() == 2"),
    ("date array with all", array("date"), "self.all(x, true)"),
    ("date-time array with all", array("date-time"), "self.all(x, true)"),
    ("map of int-or-strings with all", map_of("int-or-string"), "self.all(x, true)"),
    ("map of objects with all", map_of_node(OBJ), "self.all(x, true)"),
    ("map of durations with all", map_of("duration"), "self.all(x, true)"),
    ("map of dates with all", map_of("date"), "self.all(x, true)"),
    ("map of date-times with all", map_of("date-time"), "self.all(x, true)"),
    ("extended library regex find", string, "self.find('[0-9]+') == ''"),
    ("extended library join", string_array, "self.join(' ') == 'aa bb'"),
    ("extended library split", str_object("str", "separator"), "self.str.split(self.separator) == []"),
    ("extended library lowerAscii", string, "self.lowerAscii() == 'lower!'"),
    ("check cost of size call", map_of("integer"), "oldSelf.size() == self.size()"),
    ("enums with maxLength equals to the longest possible value", enum("A", "B", "C", "LongValue"),
     "self.contains('A')"),
]


def upstream_expectations(text: str) -> dict:
    """{case name: (calc cost or None, set max elements, set cost or None)} from the Go test's table."""
    out = {}
    for block in re.split(r"\n\t\t\{\n", text):
        name = re.search(r'name:\s+"([^"]+)"', block)
        if not name:
            continue
        def num(key):
            m = re.search(rf"\b{key}:\s+([0-9* ]+),", block)
            return eval(m.group(1)) if m else None  # noqa: S307 - digits and * only
        out[name.group(1)] = (num("expectedCalcCost"), num("setMaxElements"), num("expectedSetCost"))
    return out


def ours(node: dict, rule: str) -> int:
    seen: list = []
    original = cost.estimate

    def capture(expr, names):
        seen.append(original(expr, names))
        return seen[-1]
    cost.estimate = capture
    try:
        schema = {"type": "object", "properties": {"f": {**node, "x-kubernetes-validations": [
            {"rule": rule, **({"optionalOldSelf": True} if "oldSelf" in rule else {})}]}}}
        build_plan(schema, (), (1, 35))
    finally:
        cost.estimate = original
    return seen[0] if seen else None


def main() -> int:
    expected = upstream_expectations(open(sys.argv[1], encoding="utf-8").read())
    ratios, over = [], []
    for name, build, rule in CASES:
        calc, set_max, set_cost = expected.get(name, (None, None, None))
        for label, bound, want in (("calc", None, calc), ("set", set_max, set_cost)):
            if want is None or (label == "set" and bound is None):
                continue
            got = ours(build(bound), rule)
            ratio = (got / want) if want else (1.0 if got == 0 else float("inf"))
            if got is not None:
                ratios.append(ratio)
                if got > want:
                    over.append(name)
            print(f"{ratio:8.3f}  ours {got!s:>14}  upstream {want:>14}  {label:4} {name}")
    print(f"\n{len(ratios)} estimates: median ratio {statistics.median(ratios):.3f}, min {min(ratios):.3f}, "
          f"max {max(ratios):.3f}; above upstream: {sorted(set(over)) or 'none'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
