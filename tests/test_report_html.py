"""The HTML upgrade report in a real headless browser (Debian's `chromium`): the rendered DOM holds the
timeline chart and every expected row, nothing is requested outside the page, and the page fits a phone.

The browser is driven with the DevTools protocol over the pipe `--remote-debugging-pipe` opens (commands on
the browser's fd 3, answers on fd 4, one JSON message per NUL-terminated chunk): no websocket library.
Finding it: $K8SLINT_CHROMIUM, else `chromium`, `chromium-browser`, `google-chrome` on PATH. A test never
changes the system: where there is no browser these tests are skipped, saying so (CI's .ci/run installs
Debian's chromium before running the suite).
Set K8SLINT_SCREENSHOTS=DIR to keep screenshots of the page at desktop and phone width.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import run_cli

FIXTURE = Path(__file__).resolve().parent / "report_cases" / "upgrade-1.15-to-1.30"
ARGS = ["report", "--from", "1.15", "--to", "1.30", "manifests"]

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--disable-dev-shm-usage", "--remote-debugging-pipe"]


def find_chromium() -> str | None:
    explicit = os.environ.get("K8SLINT_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(Exception):
    pass


class Browser:
    """One headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, executable: str, timeout: float = 60.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="k8slint-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # the child's fds 3 (commands) and 4 (answers): copies far from 3 and 4 first, so no dup2 clobbers
        # an end that is still to be moved
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser_r, from_browser_w)]
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.log = tempfile.NamedTemporaryFile(prefix="k8slint-chromium-", suffix=".log", delete=False)
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_DUP2, self.log.fileno(), 1), (os.POSIX_SPAWN_DUP2, self.log.fileno(), 2),
                   (os.POSIX_SPAWN_DUP2, high[0], 3), (os.POSIX_SPAWN_DUP2, high[1], 4)]
        argv = [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        self.pid = os.posix_spawn(executable, argv, os.environ, file_actions=actions)
        for fd in high:
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list = []
        self.session = None
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next((t for t in targets if t["type"] == "page"), None)
        target_id = page["targetId"] if page else self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target_id, flatten=True)["sessionId"]

    # ----------------------------------------------------------------------------------------- protocol

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self._to_browser, data)
            data = data[written:]

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for the browser")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise BrowserError(f"the browser closed the pipe; its log: {self._log_tail()}")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _log_tail(self) -> str:
        try:
            with open(self.log.name, errors="replace") as fh:
                return fh.read()[-2000:]
        except OSError:
            return "(none)"

    def call(self, method: str, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session is not None and not method.startswith("Target."):
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def wait_for(self, event: str) -> dict:
        deadline = time.monotonic() + self.timeout
        for i, seen in enumerate(self.events):
            if seen["method"] == event:
                return self.events.pop(i)
        while True:
            answer = self._receive(deadline)
            if answer.get("method") == event:
                return answer
            if "method" in answer:
                self.events.append(answer)

    # ----------------------------------------------------------------------------------------- page

    def open(self, url: str, width: int, height: int = 900, mobile: bool = False) -> None:
        """Load `url` in a viewport of that size (a phone's when `mobile`) and wait for its load event."""
        self.events = []
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=mobile)
        self.call("Network.enable")
        self.call("Page.enable")
        self.call("Emulation.setEmulatedMedia", media="screen")
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def requested_urls(self) -> list:
        """Every URL the page asked for since it was opened (DevTools Network events)."""
        self.evaluate("1")  # drain pending events
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: str, x: int = 0, y: int = 0, width: int | None = None, height: int | None = None,
                   full: bool = False) -> None:
        params = {"format": "png", "captureBeyondViewport": True}
        if full:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            width, height = size
        if width is not None:
            params["clip"] = {"x": x, "y": y, "width": width, "height": height, "scale": 1}
        data = self.call("Page.captureScreenshot", **params)["data"]
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))

    def close(self) -> None:
        try:
            self._send({"id": 0, "method": "Browser.close", "params": {}})
        except OSError:
            pass
        deadline = time.monotonic() + 10
        while True:
            try:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            if time.monotonic() > deadline:  # it did not close: stop it (the browser we started, by its pid)
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        self.log.close()
        os.unlink(self.log.name)
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ----------------------------------------------------------------------------------------------- tests

@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip("headless browser test skipped: no chromium, chromium-browser or google-chrome on PATH and "
                    "K8SLINT_CHROMIUM is not set (.ci/run installs Debian's chromium; tests never install it)")
    return found


@pytest.fixture(scope="module")
def browser(chromium):
    with Browser(chromium) as b:
        yield b


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> tuple:
    """(file URL of the fixture's HTML report, the same report as JSON)."""
    folder = tmp_path_factory.mktemp("html-report")
    out = folder / "upgrade report.html"  # a space: the URL must be quoted properly
    result = run_cli([*ARGS[:-1], "--format", "html", "-o", out, ARGS[-1]], cwd=FIXTURE)
    assert result.code == 1 and result.err == f"7 objects block the upgrade to 1.30. (report written to {out})\n"
    data = json.loads(run_cli([*ARGS[:-1], "--format", "json", ARGS[-1]], cwd=FIXTURE).out)
    return out.as_uri(), data


DOM_PROBE = """(() => {
  const text = el => el ? el.textContent.replace(/\\s+/g, ' ').trim() : null;
  const chart = document.querySelector('figure#chart');
  const rows = chart ? [...chart.querySelectorAll('.row')].map(r => ({
      name: text(r.querySelector('.name')), states: text(r.querySelector('.states')),
      rects: r.querySelectorAll('svg.bar rect').length, hopLines: r.querySelectorAll('svg.bar line.hop-line').length,
      width: r.querySelector('svg.bar').getBoundingClientRect().width,
      label: r.querySelector('svg.bar').getAttribute('aria-label')})) : [];
  return {
    title: document.title,
    axis: chart ? [...chart.querySelectorAll('.axis > span')]
        .map(s => ({v: text(s), brk: s.classList.contains('break')})) : [],
    rows,
    summary: [...document.querySelectorAll('#summary dt')].map(text),
    hopRows: [...document.querySelectorAll('#hops > table tbody tr')].map(tr => text(tr.querySelector('td'))),
    hopSections: [...document.querySelectorAll('section.hop')].map(s => ({
        id: s.id, rows: [...s.querySelectorAll('tbody tr')].map(tr => Number(tr.dataset.object))})),
    objects: [...document.querySelectorAll('#objects tr[id^="object-"]')].map(tr => ({
        id: Number(tr.id.slice(7)), status: tr.dataset.status, text: text(tr)})),
    plan: [...document.querySelectorAll('#plan ol.plan > li')].map(li => ({
        cluster: li.dataset.cluster, title: text(li.querySelector('h3')),
        changes: [...li.querySelectorAll('.change')].map(c => ({
            object: Number(c.dataset.object), when: text(c.querySelector('.when')),
            width: c.querySelector('svg.window').getBoundingClientRect().width,
            label: c.querySelector('svg.window').getAttribute('aria-label')}))})),
    milestones: [...document.querySelectorAll('#plan-chart .axis > span.milestone')].map(text),
    headers: [...document.querySelectorAll('th')].every(th => th.getAttribute('scope') === 'col'),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
})()"""


def test_rendered_page_holds_the_chart_and_every_row(browser, page):
    url, data = page
    browser.open(url, 1280)
    dom = browser.evaluate(DOM_PROBE)
    assert dom["title"] == "Kubernetes upgrade report: 1.15 → 1.30"
    # the chart: an axis with every version, the breaking hops marked, one bar per apiVersion/kind used
    assert [a["v"] for a in dom["axis"]] == data["versions"]
    breaking = {h["to"] for h in data["hops"] if h["breaks"]}
    assert {a["v"] for a in dom["axis"] if a["brk"]} == breaking == {"1.16", "1.22", "1.25", "1.26"}
    names = [r["name"].split(" · ")[0] for r in dom["rows"]]
    assert names == [f"{a['api_version']} {a['kind']}" for a in data["apis"]]
    for row, api in zip(dom["rows"], data["apis"]):
        assert row["width"] > 600  # laid out across the page
        states = [api["states"][v] for v in data["versions"]]
        assert row["rects"] == 1 + sum(a != b for a, b in zip(states, states[1:]))  # one per stretch of a state
        assert row["hopLines"] == len(breaking)
        assert row["label"].endswith(row["states"].split("; use")[0])  # the words say what the colours say
    extensions = next(r for r in dom["rows"] if r["name"].startswith("extensions/v1beta1 Deployment"))
    assert extensions["states"].startswith("deprecated 1.15 · removed 1.16–1.30")
    # every hop in the overview, every change in its hop's table, every object in its table
    assert dom["hopRows"] == ["already at 1.15"] + [f"{h['from']} → {h['to']}" for h in data["hops"]]
    changed = [data["already"]] + [h for h in data["hops"] if h["removed"] or h["deprecated"] or h["invalid"]]
    assert [s["id"] for s in dom["hopSections"]] == [f"hop-{h.get('to', h.get('version'))}" for h in changed]
    for section, hop in zip(dom["hopSections"], changed):
        expected = [c["object"] for key in ("removed", "invalid", "deprecated") for c in hop[key]]
        assert section["rows"] == expected
    assert [(o["id"], o["status"]) for o in dom["objects"]] == \
        [(o["id"], o["status"]) for o in data["objects"] if o["status"] != "ok"] + \
        [(o["id"], "ok") for o in data["objects"] if o["status"] == "ok"]
    for row in dom["objects"]:
        obj = data["objects"][row["id"]]
        assert obj["name"] in row["text"] and obj["file"] in row["text"]
        for issue in obj["issues"]:
            assert issue["rule_id"] in row["text"]
    assert dom["summary"][:3] == ["Objects scanned", "Blocking the upgrade", "First hop that breaks"]
    assert dom["headers"]
    assert dom["overflow"] <= 0


def _check_plan(dom, data, min_width):
    """The plan's timeline: one block per step, one drawn window per change, the stops on the axis."""
    steps = data["plan"]["steps"]
    assert [s["cluster"] for s in dom["plan"]] == [s["cluster"] for s in steps]
    assert dom["milestones"] == [s["cluster"] for s in steps]
    for block, step in zip(dom["plan"], steps):
        assert [c["object"] for c in block["changes"]] == [c["object"] for c in step["changes"]]
        for drawn, change in zip(block["changes"], step["changes"]):
            assert drawn["width"] > min_width
            assert f"made at {step['cluster']}" in drawn["label"] and drawn["when"].startswith(drawn["label"])
            if change["removed_in"]:
                assert f"removed in {change['removed_in']}" in drawn["label"]
    assert any(c["available_since"] == "1.19" and "1.19–1.21" in d["label"]
               for b, s in zip(dom["plan"], steps) for d, c in zip(b["changes"], s["changes"]))


def test_the_plan_is_drawn_as_a_timeline(browser, page):
    url, data = page
    browser.open(url, 1280)
    dom = browser.evaluate(DOM_PROBE)
    assert dom["plan"][0]["title"] == "1. Now, on 1.15"
    _check_plan(dom, data, 600)
    browser.open(url, 390, 844, mobile=True)
    dom = browser.evaluate(DOM_PROBE)
    _check_plan(dom, data, 300)
    assert dom["overflow"] <= 0


def test_no_request_leaves_the_page(browser, page):
    url, _ = page
    browser.open(url, 1280)
    urls = browser.requested_urls()
    assert url in urls
    outside = [u for u in urls if not u.startswith(("file:", "data:"))]
    assert outside == [], f"the page asked for {outside}"


def test_the_request_check_sees_requests(browser, tmp_path):
    """The check above is not vacuous: a page that loads something from elsewhere is caught."""
    probe = tmp_path / "probe.html"
    probe.write_text('<!DOCTYPE html><title>probe</title><img src="http://127.0.0.1:9/pixel.png" alt="">')
    browser.open(probe.as_uri(), 800)
    assert "http://127.0.0.1:9/pixel.png" in browser.requested_urls()


def test_page_fits_a_phone_and_prints(browser, page):
    url, data = page
    browser.open(url, 390, 844, mobile=True)
    dom = browser.evaluate(DOM_PROBE)
    assert dom["overflow"] <= 0, "the page is wider than a phone screen"
    assert all(r["width"] > 300 for r in dom["rows"])
    # tables become one card per row, each value labelled with its column's header
    labels = browser.evaluate("""[...document.querySelectorAll('#objects table.objects td')].slice(0, 4)
        .map(td => getComputedStyle(td, '::before').content)""")
    assert labels == ['"Object"', '"Lifecycle"', '"Status"', '"Actions"']
    folder = os.environ.get("K8SLINT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.screenshot(str(Path(folder) / "report-phone.png"), full=True)
        browser.open(url, 1280)
        browser.screenshot(str(Path(folder) / "report-desktop.png"), full=True)
    browser.open(url, 1000)
    browser.call("Emulation.setEmulatedMedia", media="print")
    printed = browser.evaluate("""(() => ({
        folded: document.querySelector('#objects details table').getBoundingClientRect().height,
        chart: document.querySelector('#chart').getBoundingClientRect().height}))()""")
    assert printed["chart"] > 100 and printed["folded"] > 0, "printing hides part of the report"
    pdf = browser.call("Page.printToPDF", printBackground=True)["data"]
    assert base64.b64decode(pdf).startswith(b"%PDF")
