"""Wheel build hook: compiles k8slint/_yamlfast.c (the compiled YAML reader) against the system's libyaml.

Where there is no C compiler or no libyaml headers (yaml.h; Debian: libyaml-dev), the wheel is built
pure-Python with a warning: k8slint then reads YAML with its Python readers, slower but the same.
K8SLINT_REQUIRE_YAMLFAST=1 makes a failed compile an error instead (CI sets it, so it cannot lose the
extension unnoticed). `python hatch_build.py` builds the extension in place, for running from a checkout.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SOURCE = ROOT / "k8slint" / "_yamlfast.c"
MODULE = "_yamlfast" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")


def compile_extension(out_dir: Path) -> Path:
    """Compile and link the extension into out_dir with the compiler and flags Python was built with.
    Raises OSError or subprocess.CalledProcessError when it cannot."""
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    ldshared = shlex.split(os.environ.get("LDSHARED") or sysconfig.get_config_var("LDSHARED") or "cc -shared")
    cflags = shlex.split(sysconfig.get_config_var("CFLAGS") or "") + shlex.split(
        sysconfig.get_config_var("CCSHARED") or "")
    cflags += shlex.split(os.environ.get("CFLAGS", ""))
    include = sysconfig.get_paths()["include"]
    obj, target = out_dir / "_yamlfast.o", out_dir / MODULE
    subprocess.run([*cc, *cflags, "-I", include, "-c", str(SOURCE), "-o", str(obj)], check=True,
                   capture_output=True, text=True)
    subprocess.run([*ldshared, str(obj), *shlex.split(os.environ.get("LDFLAGS", "")), "-lyaml", "-o", str(target)],
                   check=True, capture_output=True, text=True)
    return target


def _why(exc: Exception) -> str:
    detail = getattr(exc, "stderr", "") or ""
    return f"{exc}\n{detail.strip()[-1500:]}" if detail else str(exc)


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # `python hatch_build.py` outside a build
    BuildHookInterface = object  # type: ignore[misc,assignment]


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        out_dir = Path(tempfile.mkdtemp(prefix="k8slint-yamlfast-"))
        try:
            built = compile_extension(out_dir)
        except (OSError, subprocess.CalledProcessError) as exc:
            if os.environ.get("K8SLINT_REQUIRE_YAMLFAST"):
                raise RuntimeError(f"K8SLINT_REQUIRE_YAMLFAST is set and k8slint/_yamlfast.c did not build: "
                                   f"{_why(exc)}") from exc
            self.app.display_warning(
                "k8slint: the compiled YAML reader was not built (needs a C compiler and libyaml's headers, "
                f"e.g. Debian's libyaml-dev); building a pure-Python wheel. {_why(exc)}")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True  # cpXY-cpXY-platform: the extension is for this interpreter
        build_data["force_include"][str(built)] = f"k8slint/{MODULE}"


if __name__ == "__main__":
    try:
        print(shutil.move(compile_extension(Path(tempfile.mkdtemp(prefix="k8slint-yamlfast-"))),
                          SOURCE.parent / MODULE))
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit(f"k8slint/_yamlfast.c did not build: {_why(exc)}")
