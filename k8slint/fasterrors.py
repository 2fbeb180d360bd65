"""The compiled engine's (jsonschema-rs) errors as the reference engine (python-jsonschema) would give them:
the few error kinds that schema findings word themselves, with the path, value, subschema and message the
reference has. Any other kind returns None, and the reference is asked for all the errors of that object
(importing python-jsonschema costs more than checking most objects). tests/test_engines.py compares the
findings of both paths."""
from __future__ import annotations


class ErrorView:
    """What validation._convert and _findings read of a python-jsonschema ValidationError."""

    __slots__ = ("absolute_path", "validator", "validator_value", "instance", "schema", "message")

    def __init__(self, path: tuple, validator: str, schema: dict, instance, message: str = ""):
        self.absolute_path = path
        self.validator = validator
        self.validator_value = schema[validator]
        self.schema = schema
        self.instance = instance
        self.message = message


def _minimum(instance, limit) -> str:
    return f"{instance!r} is less than the minimum of {limit!r}"


def _maximum(instance, limit) -> str:
    return f"{instance!r} is greater than the maximum of {limit!r}"


# kind name -> (keyword, how the reference words it, or None where _convert words it from the error's parts)
_KINDS = {
    "additionalProperties": None,
    "required": None,
    "type": None,
    "enum": None,
    "minimum": _minimum,
    "maximum": _maximum,
}


def _node(root, parts):
    """The node at a JSON path given as the engine gives it (array indices may come as text), and the path
    as the reference spells it (indices as ints); None when it does not lead anywhere."""
    node, path = root, []
    for part in parts:
        if isinstance(node, list):
            part = int(part)
            if not 0 <= part < len(node):
                return None
        elif not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
        path.append(part)
    return node, tuple(path)


def as_reference_errors(errors, schema: dict, instance) -> list | None:
    """The reference's view of jsonschema-rs `errors` for `instance` against `schema`, or None when one of
    them is of a kind not worded here (or its places cannot be found)."""
    out = []
    for err in errors:
        keyword = err.schema_path[-1] if err.schema_path else None
        if keyword not in _KINDS:
            return None
        found_schema = _node(schema, err.schema_path[:-1])
        found_value = _node(instance, err.instance_path)
        if found_schema is None or found_value is None or not isinstance(found_schema[0], dict) \
                or keyword not in found_schema[0]:
            return None
        subschema, (value, path) = found_schema[0], found_value
        if keyword == "required":
            message = f"{err.kind.property!r} is a required property"
        else:
            word = _KINDS[keyword]
            message = word(value, subschema[keyword]) if word is not None else ""
        out.append(ErrorView(path, keyword, subschema, value, message))
    # the reference checks a node's keywords in the order its schema lists them; this engine has its own
    out.sort(key=lambda e: (list(map(str, e.absolute_path)), list(e.schema).index(e.validator)))
    return out
