"""The SRV walk works out what depends on an object's (apiVersion, kind) once per pair, not per object."""
from k8slint.apiserver import metadata
from k8slint.apiserver.registry import _RUNNER
from k8slint.loader import load_text
from k8slint.rules.context import RuleContext
from k8slint.versions import resolve

TEXT = """\
apiVersion: v1
kind: Namespace
metadata: {name: Bad_Name, finalizers: [custom]}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
---
apiVersion: acme.example.com/v1
kind: Widget
metadata: {name: w}
"""


def test_metadata_plans_once_per_pair_and_judges_as_before():
    metadata._PLANS.clear()
    resources = load_text(TEXT, "memo.yaml").resources
    ctx = RuleContext(resolve("1.30"))
    first = [[f.message for f in _RUNNER.run(r, ctx)] for r in resources]
    assert set(metadata._PLANS) == {("v1", "Namespace"), ("kubelet.config.k8s.io/v1beta1", "KubeletConfiguration"),
                                    ("acme.example.com/v1", "Widget")}
    assert metadata._PLANS[("kubelet.config.k8s.io/v1beta1", "KubeletConfiguration")] is None  # not checked
    assert metadata._PLANS[("v1", "Namespace")] == ("label", False, True)
    assert any("metadata.name" in m for m in first[0]) and any("finalizer" in m for m in first[0])
    assert [[f.message for f in _RUNNER.run(r, ctx)] for r in resources] == first
    assert _RUNNER._by_pair[("v1", "Namespace")] is _RUNNER._by_kind[("Namespace", True)]


POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
  - name: c
    image: i
    resources: {{requests: {value}}}
"""


def test_valid_requirements_are_remembered_by_content_and_findings_never():
    from k8slint.apiserver import pods
    pods._CLEAN_REQUIREMENTS.clear()
    ctx = RuleContext(resolve("1.30"))

    def messages(value):
        resource = load_text(POD.format(value=value), "pod.yaml").resources[0]
        return [f.message for f in _RUNNER.run(resource, ctx) if "resources" in f.message]

    assert messages("{cpu: 100m}") == messages("{cpu: 100m}") == []
    assert len(pods._CLEAN_REQUIREMENTS) == 1
    assert messages("{example.com/dongle: true}") == []  # a bool is the schema's finding: never remembered
    assert len(pods._CLEAN_REQUIREMENTS) == 1
    found = messages("{example.com/dongle: 1}")
    assert found and "Limit must be set" in found[0]
    assert messages("{example.com/dongle: 1}") == found
    assert len(pods._CLEAN_REQUIREMENTS) == 1


def test_valid_label_pairs_are_remembered_and_invalid_ones_always_reported():
    metadata._CLEAN_LABELS.clear()
    ctx = RuleContext(resolve("1.30"))
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {app: web, bad: -x-}}\n"
    runs = [[f.message for f in _RUNNER.run(load_text(text, "cm.yaml").resources[0], ctx)] for _ in range(2)]
    assert runs[0] == runs[1] and any("-x-" in m for m in runs[0])
    assert metadata._CLEAN_LABELS == {("app", "web")}
