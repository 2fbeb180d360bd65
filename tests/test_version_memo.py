"""The memos that keep per-object version questions cheap must answer as the uncached code did and never hand
out shared state a caller could change."""
from k8slint.rules.logic import api_references
from k8slint.schemastore import default_store
from k8slint.versions import KubeVersion, resolve


def test_parse_remembers_each_text_and_still_refuses_bad_ones():
    first = KubeVersion.parse("1.27")
    assert KubeVersion.parse("1.27") is first
    assert KubeVersion.parse("v1.27.3") == first
    for _ in range(2):  # an error is never remembered as an answer
        try:
            KubeVersion.parse("1.x")
        except ValueError:
            pass
        else:
            raise AssertionError("1.x parsed")


def test_versions_serving_hands_out_a_fresh_list():
    store = default_store()
    served = store.versions_serving("apps/v1", "Deployment")
    assert served and served == sorted(served)
    served.clear()
    assert store.versions_serving("apps/v1", "Deployment")


def test_gone_from_group_is_asked_once_per_pair():
    target = resolve("1.30")
    api_references._gone_from_group.cache_clear()
    first = api_references._gone_from_group("extensions", "podsecuritypolicies", target)
    assert api_references._gone_from_group("extensions", "podsecuritypolicies", target) == first
    assert api_references._gone_from_group.cache_info().hits == 1


def test_kinds_of_every_minor_come_from_one_pass_and_match_the_index():
    from k8slint.schemastore import SchemaStore
    store = SchemaStore()
    versions = store.versions()
    store.kinds(versions[-1])
    assert {str(v) for v in versions} <= set(store._kinds)  # one question filled every minor
    index = store._load_index()["kinds"]
    for v in versions:
        expected = sorted((av, k) for av, by_kind in index.items() for k, entries in by_kind.items()
                          if any(str(v) in minors for _name, minors in entries))
        assert store.kinds(v) == expected


def test_parse_reads_versions_as_packaging_did():
    # packaging.version.Version read the numbers once; its answers, kept without importing it at start-up
    from packaging.version import Version
    for text in ("1.29", "v1.29", "1.29.3", "1.29.3-gke.1", "01.029", " 1.30 ", "1.30+x", "1." + "9" * 40):
        v, reference = KubeVersion._parse(text), Version(text.strip().lstrip("v").split("-")[0].split("+")[0])
        assert (v.major, v.minor) == (reference.major, reference.minor), text
    for text in ("\u0661.\u0662\u0669", "1.\u0662\u0669", "x", "1", "1.2.3.4"):  # other scripts' digits too
        try:
            KubeVersion._parse(text)
        except ValueError:
            continue
        raise AssertionError(f"{text!r} parsed")


def test_the_embedded_index_is_parsed_once_for_the_versions_and_the_schema_store():
    from k8slint.schemastore import SchemaStore
    from k8slint.versions import embedded_index, embedded_versions
    assert SchemaStore()._load_index() is embedded_index()
    assert [str(v) for v in embedded_versions()] == sorted(embedded_index()["versions"], key=lambda t: tuple(map(int, t.split("."))))
