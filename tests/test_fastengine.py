"""k8slint.fastengine imports jsonschema-rs with a stand-in email.utils: the stand-in must give what the
standard library gives, and vanish once the import is done."""
from __future__ import annotations

import email.utils
import json
import subprocess
import sys
from pathlib import Path

import pytest

from k8slint import fastengine

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text", [
    "Thu, 12 Nov 2026 07:50:16 +0000", "Mon, 01 Jan 2024 23:59:59 -0530", "Sat, 29 Feb 2020 00:00:00 +1400",
    "Tue, 3 Mar 2026 10:00:00 GMT", "3 Mar 2026 10:00:00 +0000", "Tue, 03 Mar 2026 10:00 +0000",
    "Tue, 03 Foo 2026 10:00:00 +0000", "Tue, 03 Mar 2026 10:00:00 -0000", "Tue, 03 Mar 2026 10:00:00 +00:00",
])
def test_the_stand_in_parses_dates_as_the_standard_library_does(text):
    try:
        expected = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            fastengine.parsedate_to_datetime(text)
        return
    got = fastengine.parsedate_to_datetime(text)
    assert got == expected and got.tzinfo == expected.tzinfo and type(got) is type(expected)


def test_jsonschema_rs_loads_without_email_and_leaves_no_stand_in():
    probe = ("import json, sys; from k8slint import fastengine; m = fastengine.load(); "
             "built = m.jsonschema_rs.__build__['info-time']; import datetime; "
             "print(json.dumps([m.__name__, 'email.utils' in sys.modules, 'socket' in sys.modules, "
             "isinstance(built, datetime.datetime), str(built)]))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    name, email_loaded, socket_loaded, is_datetime, built = json.loads(done.stdout)
    assert (name, email_loaded, socket_loaded, is_datetime) == ("jsonschema_rs", False, False, True)
    real = subprocess.run([sys.executable, "-c", "import jsonschema_rs; print(jsonschema_rs.jsonschema_rs.__build__"
                           "['info-time'])"], capture_output=True, text=True, check=True)
    assert built == real.stdout.strip()  # the same build date as the real email.utils reads
