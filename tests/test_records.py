"""@record classes (k8slint.model.record) behave as the @dataclass each stands for: the same __init__ (names,
order, defaults, a new object from each default_factory), repr, ==, hash, frozenness, fields() and replace()."""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import pytest

import k8slint
from k8slint.model import FACTORY, RECORDS


def _all_records() -> list:
    for info in pkgutil.walk_packages(k8slint.__path__, "k8slint."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    return sorted(set(RECORDS), key=lambda c: (c.__module__, c.__qualname__))


def _reference(cls):
    """The @dataclass the record stands for, from its own field declarations."""
    specs = []
    for f in dataclasses.fields(cls):
        kwargs = {"init": f.init, "repr": f.repr, "compare": f.compare, "hash": f.hash}
        if f.default is not dataclasses.MISSING:
            kwargs["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            kwargs["default_factory"] = f.default_factory
        specs.append((f.name, f.type, dataclasses.field(**kwargs)))
    namespace = {"__post_init__": cls.__post_init__} if hasattr(cls, "__post_init__") else {}
    ref = dataclasses.make_dataclass(cls.__name__, specs, frozen=cls.__record_frozen__, namespace=namespace)
    ref.__qualname__ = cls.__qualname__
    return ref


class _Value:
    """A distinct argument value per parameter, hashable and with a repr of its own."""

    def __init__(self, n):
        self.n = n

    def __repr__(self):
        return f"<value {self.n}>"

    def __eq__(self, other):
        return isinstance(other, _Value) and other.n == self.n

    def __hash__(self):
        return hash(self.n)


RECORD_CLASSES = _all_records()
VALUES = {"RuleMeta": {"id": "SCH001", "severity": 2}, "SchemaCatalog": {"locations": ()}}


def test_records_are_found():
    names = {c.__qualname__ for c in RECORD_CLASSES}
    assert {"Finding", "Span", "Resource", "RuleMeta"} <= names


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_record_behaves_as_its_dataclass(cls):
    ref = _reference(cls)
    ours, theirs = inspect.signature(cls.__init__), inspect.signature(ref.__init__)
    assert list(ours.parameters) == list(theirs.parameters)
    init_fields = [f for f in dataclasses.fields(cls) if f.init]
    for f in init_fields:
        default = ours.parameters[f.name].default
        if f.default_factory is not dataclasses.MISSING:
            assert default is FACTORY
        elif f.default is not dataclasses.MISSING:
            assert default is f.default or default == f.default
        else:
            assert default is inspect.Parameter.empty
    required = VALUES.get(cls.__qualname__, {})  # what a __post_init__ reads
    args = {f.name: required.get(f.name, _Value(i)) for i, f in enumerate(init_fields)}
    minimal = {f.name: args[f.name] for f in init_fields
               if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    for given in (args, minimal):
        a, b = cls(**given), ref(**given)
        assert repr(a) == repr(b)
        for f in dataclasses.fields(cls):
            assert getattr(a, f.name) == getattr(b, f.name), f.name
        again = cls(**given)
        assert a == again and not (a != again)
        assert (a == b) is False  # another class: NotImplemented both ways, then identity
        for f in dataclasses.fields(cls):
            if f.default_factory is not dataclasses.MISSING and f.name not in given:
                assert getattr(a, f.name) is not getattr(again, f.name)  # a new object each time
        if cls.__hash__ is None:
            assert ref.__hash__ is None
            with pytest.raises(TypeError):
                hash(a)
        else:
            assert hash(a) == hash(b)
        free = [f.name for f in init_fields if f.name not in required]
        if free:
            change = {free[0]: _Value(50)}
            changed = dataclasses.replace(a, **change)
            assert type(changed) is cls and changed != a and repr(changed) == repr(dataclasses.replace(b, **change))
        name = dataclasses.fields(cls)[0].name
        if cls.__record_frozen__:
            for call in (lambda o: setattr(o, name, 1), lambda o: delattr(o, name)):
                with pytest.raises(dataclasses.FrozenInstanceError) as ours_error:
                    call(a)
                with pytest.raises(dataclasses.FrozenInstanceError) as their_error:
                    call(b)
                assert str(ours_error.value) == str(their_error.value)
        else:
            setattr(a, name, _Value(99))
            setattr(b, name, _Value(99))
            assert repr(a) == repr(b)
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in dataclasses.fields(ref)]
    assert cls.__match_args__ == ref.__match_args__
    with pytest.raises(TypeError):
        cls(*[None] * (len(init_fields) + 1))  # one argument too many, as the generated __init__ refuses


def test_a_recursive_record_repr_stops_as_the_dataclass_one_does():
    from k8slint.model import Fix
    fix = Fix("d", [])
    fix.edits.append(fix)
    assert repr(fix) == "Fix(description='d', edits=[...], safety=<FixSafety.SAFE: 'safe'>)"



CLASS_ATTRIBUTES_PROBE = """
import importlib, json, pkgutil
import k8slint
from k8slint.model import RECORDS
for info in pkgutil.walk_packages(k8slint.__path__, "k8slint."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
out = {}
for cls in RECORDS:
    assert type(vars(cls)["__dataclass_fields__"]).__name__ == "_DataclassFields"  # not registered yet
    names = list(vars(cls).get("__annotations__", {}))
    out[f"{cls.__module__}.{cls.__qualname__}"] = {n: repr(vars(cls).get(n, "<absent>")) for n in names}
print(json.dumps(out))
"""


def test_before_dataclasses_sees_a_record_its_class_attributes_are_what_the_dataclass_has():
    import json
    import subprocess
    import sys

    from conftest import REPO
    done = subprocess.run([sys.executable, "-c", CLASS_ATTRIBUTES_PROBE], cwd=REPO, capture_output=True, text=True,
                          check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(found) == len(RECORD_CLASSES)
    for cls in RECORD_CLASSES:
        ref = _reference(cls)
        expected = {f.name: repr(vars(ref).get(f.name, "<absent>")) for f in dataclasses.fields(ref)}
        assert found[f"{cls.__module__}.{cls.__qualname__}"] == expected, cls
