"""sha256 and blake2b without `import hashlib`: hashlib loads OpenSSL (_hashlib, ~2.4 ms of a one-file lint,
paid on every pre-commit call) to offer algorithms k8slint never uses. CPython's built-in implementations
give the same digests; where they are missing, hashlib's."""
from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without its own blake2
    from hashlib import blake2b
try:
    from _sha256 import sha256  # Python 3.10, 3.11
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha2 import sha256  # Python 3.12+
    except ImportError:
        from hashlib import sha256

__all__ = ["blake2b", "sha256"]
