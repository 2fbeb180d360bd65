"""ConfigMaps and Secrets as the core API server checks them: key syntax, base64 in Secret data, the 1 MiB
size limit, and the keys each Secret type requires."""
from __future__ import annotations

import base64
import binascii
import json

from .. import apisyntax as syntax
from .base import Report, mapping, rule

KINDS = frozenset({"ConfigMap", "Secret"})
MAX_SIZE = 1024 * 1024

INVALID_KEY = rule(
    "SRV080", "invalid-config-key", "A ConfigMap or Secret key that is not a valid file name",
    what="Checks the keys of ConfigMap `data` and `binaryData` and Secret `data` and `stringData`: "
         "alphanumerics, '-', '_' and '.', at most 253, not '.' or '..' or starting with '..'; and that no key "
         "is in both `data` and `binaryData`.",
    why="Keys become file names when the object is mounted; the API server rejects the object with `data[a "
        "b]: Invalid value`.",
    example="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata:\n  app config.yaml: x\n",
    fix="Rename the key: letters, digits, '-', '_' and '.' only (`app-config.yaml`).")
INVALID_BASE64 = rule(
    "SRV081", "secret-data-not-base64", "A Secret data value (or ConfigMap binaryData) that is not base64",
    what="Decodes every value of Secret `data` and ConfigMap `binaryData` as standard base64 (line breaks are "
         "ignored).",
    why="The API server cannot decode the object and refuses it with `illegal base64 data at input byte "
        "N`. Plain text belongs under `stringData` (Secret) or `data` (ConfigMap).",
    example="apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata:\n  password: hunter2!\n",
    fix="Encode the value (`echo -n 'hunter2!' | base64`) or move it to `stringData`, which takes plain text.")
TOO_LARGE = rule(
    "SRV082", "config-data-too-large", "A ConfigMap or Secret holding more than 1 MiB",
    what="Adds up the bytes of the values of a ConfigMap (`data` and `binaryData`) or Secret (decoded `data` "
         "and `stringData`).",
    why="The API server rejects objects above 1048576 bytes with `Too long: must have at most 1048576 bytes`.",
    example="(a ConfigMap holding a 2 MiB file)",
    fix="Split the data over several objects, or keep large files in an image or a volume.")
SECRET_TYPE_KEYS = rule(
    "SRV083", "secret-type-missing-keys", "A Secret without the keys or annotation its type requires",
    what="Checks typed Secrets: `kubernetes.io/tls` needs `tls.crt` and `tls.key`; `kubernetes.io/dockerconfigjson` "
         "and `kubernetes.io/dockercfg` a `.dockerconfigjson` (`.dockercfg`) holding a JSON object; "
         "`kubernetes.io/ssh-auth` a non-empty `ssh-privatekey`; `kubernetes.io/basic-auth` `username` or "
         "`password`; `kubernetes.io/service-account-token` the `kubernetes.io/service-account.name` annotation.",
    why="The API server rejects the Secret with `data[tls.key]: Required value` and similar answers.",
    example="apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls}\ntype: kubernetes.io/tls\n"
            "data:\n  tls.crt: LS0tLS1CRUdJTi4uLg==\n",
    fix="Add the missing keys (for TLS both the certificate and the key), or use the type `Opaque`.")

RULES = [INVALID_KEY, INVALID_BASE64, TOO_LARGE, SECRET_TYPE_KEYS]

_REQUIRED_KEYS = {"kubernetes.io/tls": ("tls.crt", "tls.key"), "kubernetes.io/dockercfg": (".dockercfg",),
                  "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
                  "kubernetes.io/ssh-auth": ("ssh-privatekey",)}


def decode(value: str):
    """Go's base64.StdEncoding as encoding/json uses it: padding required, CR and LF ignored; None if invalid."""
    try:
        return base64.b64decode(value.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return None


def _keys(data: dict, part: str, report: Report) -> None:
    for key in data:
        if isinstance(key, str):
            for msg in syntax.config_map_key(key):
                report.invalid(INVALID_KEY, (part, key), key, msg, prefer_key=True)


def walk(resource, ctx, report: Report) -> None:
    if resource.kind == "ConfigMap":
        _config_map(resource, report)
    else:
        _secret(resource, report)


def _config_map(resource, report: Report) -> None:
    data, binary = mapping(resource.data.get("data")), mapping(resource.data.get("binaryData"))
    _keys(data, "data", report)
    _keys(binary, "binaryData", report)
    size = 0
    for key, value in data.items():
        if isinstance(value, str):
            size += len(value.encode("utf-8", "surrogatepass"))
    for key, value in binary.items():
        if key in data:
            report.invalid(INVALID_KEY, ("binaryData", key), key, "duplicate of key present in data",
                           prefer_key=True)
        if isinstance(value, str):
            raw = decode(value)
            if raw is None:
                report.invalid(INVALID_BASE64, ("binaryData", key), "...", "illegal base64 data")
            else:
                size += len(raw)
    if size > MAX_SIZE:
        report.too_long(TOO_LARGE, (), f"must have at most {MAX_SIZE} bytes (it holds {size})")


def _secret(resource, report: Report) -> None:
    data, string_data = mapping(resource.data.get("data")), mapping(resource.data.get("stringData"))
    _keys(data, "data", report)
    _keys(string_data, "stringData", report)
    decoded: dict = {}
    for key, value in data.items():
        if isinstance(value, str):
            raw = decode(value)
            if raw is None:
                report.invalid(INVALID_BASE64, ("data", key), "...", "illegal base64 data: the value is not "
                               "base64 (plain text belongs under stringData)")
            else:
                decoded[key] = raw
    for key, value in string_data.items():
        if isinstance(value, str):
            decoded[key] = value.encode("utf-8", "surrogatepass")  # stringData wins over data
    size = sum(len(v) for v in decoded.values())
    if size > MAX_SIZE:
        report.too_long(TOO_LARGE, ("data",), f"must have at most {MAX_SIZE} bytes (it holds {size})")
    kind = resource.data.get("type")
    if not isinstance(kind, str):
        return
    present = set(data) | set(string_data)
    for key in _REQUIRED_KEYS.get(kind, ()):
        if key not in present:
            report.required(SECRET_TYPE_KEYS, ("data", key))
    if kind == "kubernetes.io/ssh-auth" and "ssh-privatekey" in decoded and not decoded["ssh-privatekey"]:
        report.required(SECRET_TYPE_KEYS, ("data", "ssh-privatekey"))
    if kind == "kubernetes.io/basic-auth" and not {"username", "password"} & present:
        report.required(SECRET_TYPE_KEYS, ("data", "username"))
    for key in (".dockercfg", ".dockerconfigjson"):
        if kind.endswith(key[1:]) and key in decoded:
            try:
                parsed = json.loads(decoded[key])
                problem = None if isinstance(parsed, dict) else "cannot unmarshal into a JSON object"
            except ValueError as err:
                problem = str(err)
            if problem:
                report.invalid(SECRET_TYPE_KEYS, ("data", key), "<secret contents redacted>", problem)
    if kind == "kubernetes.io/service-account-token":
        annotations = mapping(resource.metadata.get("annotations"))
        if not annotations.get("kubernetes.io/service-account.name"):
            report.required(SECRET_TYPE_KEYS, ("metadata", "annotations", "kubernetes.io/service-account.name"))
