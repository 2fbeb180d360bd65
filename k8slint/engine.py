"""Resources x selected rules -> findings: load, validate, run the rules, drop duplicates, sort.

The engine knows nothing of output formats or exit codes; the command line turns its result into both.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from . import cpus
from .discover import STDIN
from .loader import DEFAULT_MAX_FILE_SIZE, LoadedFile, load_path, load_pieces, read_bytes
from .model import FACTORY, Finding, Severity, field, record
from .resultcache import content_digest, fingerprint
from .sources import chart_dir_of
from .crds import CRD_API_VERSIONS, CRD_KIND, crd_versions
from .kustomize_inputs import for_files as kustomize_inputs_of

if TYPE_CHECKING:
    from .versions import KubeVersion


@record
class LintOptions:
    """What a run checks and how (the command line and configuration, resolved)."""

    target: KubeVersion
    current: KubeVersion | None = None
    strict: bool = False
    select: tuple = ()
    ignore: tuple = ()
    ignore_missing_schemas: bool = False
    severity_overrides: dict = field(default_factory=dict)  # rule id or prefix -> Severity
    crd_files: tuple = ()
    # CRDs found elsewhere in the repository (repocrds): registered silently, their files are not linted
    repository_crd_files: tuple = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # file path -> rule ids/prefixes ignored there (the configuration's per-path-ignores)
    path_ignores: object = None
    schema_locations: tuple = ()  # --schema-location: directories or URL templates of custom resource schemas
    cache: bool = False  # reuse the results of earlier runs (see resultcache); the command line turns it on

    def __init__(self, target, current=None, strict=False, select=(), ignore=(), ignore_missing_schemas=False,
                 severity_overrides=FACTORY, crd_files=(), repository_crd_files=(),
                 max_file_size=DEFAULT_MAX_FILE_SIZE, path_ignores=None, schema_locations=(), cache=False):
        self.target = target
        self.current = current
        self.strict = strict
        self.select = select
        self.ignore = ignore
        self.ignore_missing_schemas = ignore_missing_schemas
        self.severity_overrides = {} if severity_overrides is FACTORY else severity_overrides
        self.crd_files = crd_files
        self.repository_crd_files = repository_crd_files
        self.max_file_size = max_file_size
        self.path_ignores = path_ignores
        self.schema_locations = schema_locations
        self.cache = cache


@record
class LintResult:
    """A run's findings and what it read."""

    findings: list
    files: int
    resources: int
    objects: list = field(default_factory=list)  # (file, ObjectRef) of every resource, in input order
    kustomizations: int = 0  # kustomization files read: kustomize's configuration, not cluster objects
    config_file: str | None = None  # the configuration file the run used: every summary names it

    def __init__(self, findings, files, resources, objects=FACTORY, kustomizations=0, config_file=None):
        self.findings = findings
        self.files = files
        self.resources = resources
        self.objects = [] if objects is FACTORY else objects
        self.kustomizations = kustomizations
        self.config_file = config_file

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def nothing_to_lint(given: list, files: list, resources: int, allow_empty: bool = False) -> Finding | None:
    """YML010 when the whole input (the paths as given, the files they expanded to) holds no Kubernetes
    object and no kustomization (whose targets REF004 checks: `resources` counts both); an error unless the
    run allows an empty input, then information."""
    if resources:
        return None
    where = given[0] if len(given) == 1 else (files[0] if files else given[0])
    if not files:
        message = (f"nothing to lint: no *.yaml, *.yml or *.json file in {', '.join(given)}"
                   " (hidden files and directories are not read)")
    elif files == [STDIN]:
        where = "<stdin>"
        message = "nothing to lint: standard input holds no Kubernetes object (did the command before the pipe fail?)"
    else:
        message = (f"nothing to lint: no Kubernetes object in {len(files)} file{'s' * (len(files) != 1)}")
    severity = Severity.INFO if allow_empty else Severity.ERROR
    return Finding("YML010", severity, message, where, 1, 1,
                   suggestion=None if allow_empty else "Pass --allow-empty if an empty input is expected.")


def is_crd(resource) -> bool:
    return resource.kind == CRD_KIND and resource.api_version in CRD_API_VERSIONS


def crd_keys(definitions) -> set:
    """(apiVersion, kind) of every custom resource the CRDs among `definitions` define."""
    return {(v.api_version, v.kind) for r in definitions if is_crd(r) for v in crd_versions(r.data, "")}


def depends_on_crds(keys: set, definitions: list) -> bool:
    """Can CRDs among `definitions` change the findings of a file whose resources have these keys?
    Through the schema of a custom resource, and for a CRD when another CRD defines one of its kinds too
    (CRD002 compares them)."""
    from .crd.registry import defines_a_kind_twice
    if any(kind == CRD_KIND and api_version in CRD_API_VERSIONS for api_version, kind in keys) \
            and defines_a_kind_twice(definitions):
        return True
    return not keys.isdisjoint(crd_keys(definitions))


def mentions(path: str, max_file_size: int, words: tuple) -> bool:
    """A cheap look at the raw bytes: may this file mention one of `words`? Files with a byte-order mark
    are decoded to look, and a backslash counts as a mention (a double-quoted scalar can spell any word
    with escapes). Used only where work cannot be redone once a file is parsed (fix writes files)."""
    from .loader import decode, read_limited
    try:
        data = read_limited(path, max_file_size + 1)
    except OSError:
        return False
    if data[:1] in (b"\xff", b"\xfe", b"\x00", b"\xef") or b"\x00" in data[:4]:
        text, _ = decode(data, path)
        data = (text or "").encode("utf-8", "replace")
    return b"\\" in data or any(word in data for word in words)


# the sample of idle cores that default_jobs may need begins now, and runs while the command line reads its
# configuration and finds the files (a read of /proc/stat: a one-file run pays nothing more)
cpus.begin_sample()

# What a forked worker runs: (process, max file size, load, defines), inherited from the parent.
_WORKER_TASK: tuple | None = None


def _worker_signals() -> None:
    """Workers die quietly when the pool ends them (the parent turns SIGTERM into an orderly unwind). They
    start with SIGTERM blocked (see _pool): one sent before this ran waits, and now kills."""
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _pool(processes: int, initializer=None):
    """A pool of forked workers, each starting with `initializer` (default _worker_signals, which any other
    must end by calling). SIGTERM is blocked while they are forked, so that it stays blocked in each
    until _worker_signals has made it fatal: the pool ending a worker that had not got that far (tiny tasks,
    all taken by the other workers) raised the parent's handler's KeyboardInterrupt in it, or, arriving
    just before the handler was reset, was dropped, and the parent waited for that worker for ever."""
    import multiprocessing
    import signal
    masked = hasattr(signal, "pthread_sigmask")
    if masked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        return _pool_class()(processes, initializer or _worker_signals, context=multiprocessing.get_context("fork"))
    finally:
        if masked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _observed(pieces, label: list, keys: set, definitions: list, defines):
    """The pieces of one input, unchanged, noting on the way the keys of its resources and the resources
    other files depend on (`defines`)."""
    for piece in pieces:
        label.append(piece.file)
        for r in piece.resources:
            keys.add((r.api_version, r.kind))
            if defines is not None and defines(r):
                definitions.append(r)
        yield piece


def _run(path: str, task: tuple) -> tuple:
    """((result, keys of its resources, its definitions, its label), what to store in the cache or None)
    of one input; an input the cache knows is not parsed at all."""
    process, max_file_size, load, defines, cache, state, place = task
    data = None
    if cache is not None:
        data, _ = read_bytes(path, max_file_size)
        if data is not None:
            where, digest = cache.where(path, *place(path)), content_digest(data)
            stored = cache.get(where, digest, state)
            if stored is not None:
                return stored, None
    loaded = load(path, max_file_size) if data is None else load(path, max_file_size, data=data)
    label, keys, definitions = [], set(), []
    if isinstance(loaded, LoadedFile):
        result = process(next(_observed([loaded], label, keys, definitions, defines)))
    else:
        result = process(_observed(loaded, label, keys, definitions, defines))
    outcome = (result, keys, definitions, (label or [path])[0])
    return outcome, ((where, digest, state) if data is not None else None)


def _stored(path: str, task: tuple):
    """The cached outcome of one input (see _run), or None."""
    _, max_file_size, _, _, cache, state, place = task
    data, _ = read_bytes(path, max_file_size)
    if data is None:
        return None
    return cache.get(cache.where(path, *place(path)), content_digest(data), state)


def _process_batch(batch: list) -> list:
    return [_run(path, _WORKER_TASK) for path in batch]


def default_jobs(files: int) -> int:
    """Processes for `files` inputs when --jobs is not given: one when they fit in one batch (no pool, and
    no time spent looking at the machine), else one per idle core (see cpus)."""
    if files <= BATCH:
        return 1
    return cpus.default_workers()


def can_fork() -> bool:
    import multiprocessing  # imported only for a pool: a one-file run (a pre-commit hook) never pays for it
    return "fork" in multiprocessing.get_all_start_methods()


def _pool_class():
    """multiprocessing's Pool, but its worker-handling thread no longer wakes for results: it waited on the
    results pipe too, so from a result's arrival until the result thread had read it, it looped (about 120
    times a result, some 15,000 times and 0.15 s of the parent's CPU on c10k, holding the GIL the result
    thread needed). A worker's exit and a change of the pool's state (its cache emptied, close, terminate)
    still wake it: those have their own sentinels."""
    from multiprocessing.pool import Pool

    class QuietPool(Pool):
        def _get_sentinels(self):
            return [self._change_notifier._reader]

    return QuietPool


BATCH = 16  # files per task: large enough to amortise the pickling, small enough to balance the load


# jobs=AUTO: as many as default_jobs says, asked once the first batch is checked (see _run_all)
AUTO = None


def split_for_workers(paths: list, jobs, run_here) -> tuple:
    """(results of the paths run here, the batches left, how many processes should run them: 1 means here)
    for `jobs` (a count or AUTO). With workers to come, the first batch is run here (`run_here(path)`), before
    the fork: what checking builds lazily (compiled validators, rule tables and tries of the kinds met) is
    then built once and inherited, rather than once in every worker. With jobs=AUTO, default_jobs is asked
    after that batch: its sample of idle cores (cpus.default_workers, at least 50 ms) then runs beside work to
    do anyway, not in a sleep. Shared by lint and report (_run_all) and fix (fixer.apply._fix_rest)."""
    batches = [paths[i:i + BATCH] for i in range(0, len(paths), BATCH)]
    if len(batches) < 2 or not can_fork() or jobs == 1:
        return {}, batches, 1
    done: dict = {}
    if jobs is AUTO:
        done = {path: run_here(path) for path in batches.pop(0)}
        jobs = default_jobs(len(paths))
    elif len(batches) > jobs:  # (with no more batches than workers, each has one: none to spare)
        done = {path: run_here(path) for path in batches.pop(0)}
    return done, batches, jobs


def _run_all(paths: list, task: tuple, jobs) -> tuple:
    """(path -> _run(path, task), the number of processes used), over `jobs` forked processes (a count, or
    AUTO) when there is enough work (see split_for_workers)."""
    global _WORKER_TASK
    results, batches, jobs = split_for_workers(paths, jobs, lambda path: _run(path, task))
    if jobs > 1 and len(batches) > 1:
        _WORKER_TASK = task
        try:
            with _pool(min(jobs, len(batches))) as pool:
                for batch, batch_results in zip(batches, pool.imap(_process_batch, batches)):
                    results.update(zip(batch, batch_results))
        finally:
            _WORKER_TASK = None
    else:
        for batch in batches:
            for path in batch:
                results[path] = _run(path, task)
    return results, jobs


def map_files(paths: list, max_file_size: int, process, register=None, jobs: int = 1,
              defines=is_crd, depends=depends_on_crds, load=load_path, cache=None, state=None,
              place=None) -> dict:
    """path -> process(loaded input) for every path ("-" is stdin), spread over `jobs` forked processes.

    Every file is read and parsed once. What files define for the others (`defines(resource)`: CRDs,
    IngressClasses ...) is found in the parsed documents and handed to `register` (a LoadedFile holding
    just those resources, in input order) once every file has been seen; the few files whose result
    `depends(keys of their resources, definitions)` on those are then processed again, so the result is as
    if every definition had been known from the start. Standard input, which can be read only once, is
    loaded first, registered and kept for the end. Workers inherit the registered state by fork; where fork
    is unavailable everything runs here. `load(path, max_file_size, data=None)` reads a file (load_path
    unless the caller streams pieces).

    With a `cache` (resultcache.ResultCache), a file whose bytes, place (`place(path)`: what else about
    where it is changes its result) and registered state (`state()`: a fingerprint of what `register` made
    known) are those of a stored result is not read further; new results are stored (cache.save)."""
    stdin = load_path(STDIN, max_file_size) if STDIN in paths else None
    if stdin is not None and register is not None:
        register(stdin)
    rest = [p for p in paths if p != STDIN]
    if cache is not None:
        cache.preload([cache.where(p, *place(p)) for p in rest])
    decided = [jobs]

    def run_all(some: list) -> dict:
        task = (process, max_file_size, load, defines if register is not None else None,
                cache, state() if cache is not None else None, place)
        outcomes = {}
        if cache is not None and cache.has_entries():
            # most files are known: look them up here rather than pay for workers and for sending
            # their results back; the others are read again by the workers (from the page cache)
            for path in some:
                outcome = _stored(path, task)
                if outcome is not None:
                    outcomes[path] = outcome
            some = [path for path in some if path not in outcomes]
        ran, decided[0] = _run_all(some, task, decided[0])  # (AUTO decided once, on the first run)
        for path, (outcome, stored) in ran.items():
            outcomes[path] = outcome
            if stored is not None:
                cache.put(*stored, outcome)
        return outcomes

    first = run_all(rest)
    found = [(path, first[path][3], first[path][2]) for path in rest if first[path][2]]
    results = {path: outcome[0] for path, outcome in first.items()}
    if found:
        for path in paths:  # in input order, so that the last definition of a key wins as before
            if path == STDIN:
                register(stdin)
        definitions = []
        for path, label, defs in found:
            register(LoadedFile(label, None, resources=defs))
            definitions.extend(defs)
        again = [path for path in rest if depends(first[path][1], definitions)]
        results.update((path, outcome[0]) for path, outcome in run_all(again).items())
    if stdin is not None:
        results[STDIN] = process(stdin)
    return results


def _result_cache(options: LintOptions):
    """The result cache for these options, or None when it is off or cannot be trusted: schemas fetched
    from --schema-location may change without k8slint seeing it."""
    from . import resultcache
    if not options.cache or options.schema_locations or resultcache.disabled_by_environment():
        return None
    context = (str(options.target), str(options.current), options.strict, options.select, options.ignore,
               options.ignore_missing_schemas, sorted((k, str(v)) for k, v in options.severity_overrides.items()),
               options.max_file_size)
    return resultcache.ResultCache("lint", context)


def _place(path: str, options: LintOptions) -> tuple:
    """What about a file's place changes its findings: per-path ignores, and whether it sits in a Helm
    chart's templates/ folder (then it is a template to render)."""
    return (options.path_ignores(path) if options.path_ignores else (), chart_dir_of(path) is not None)


EMPTY_CRD_STATE: list = []  # CrdRegistry().state(): what a run that registered no CRD is keyed with


def __getattr__(name: str):
    """engine.Linter (and severity_override), for the callers that build one themselves (fix, upgrade):
    imported on first use."""
    if name in ("Linter", "severity_override"):
        from . import linter
        return getattr(linter, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lint(paths: list, options: LintOptions, jobs: int = 1) -> LintResult:
    """Lint already-discovered files ("-" is stdin), spreading them over `jobs` processes. CRDs anywhere
    in the input (or in --crd files) are registered before any custom resource is validated. The result is
    the same, in the same order, whatever `jobs` is."""
    findings: list = []
    crd_inputs = [load_path(crd_path, options.max_file_size) for crd_path in options.crd_files]
    given = {os.path.abspath(p) for p in paths if p != STDIN}
    repository_crds = [load_path(crd_path, options.max_file_size) for crd_path in options.repository_crd_files
                       if os.path.abspath(crd_path) not in given]  # the input's own CRDs: registered as read
    cache = _result_cache(options)
    kustomize_inputs = kustomize_inputs_of(paths, options.max_file_size, cache)
    built: list = []  # the Linter, built at the first file to check or CRD to register

    def linter():
        if not built:
            from .linter import Linter
            built.append(Linter(options))
            built[0].kustomize_inputs = kustomize_inputs
        return built[0]

    if cache is None:
        linter()  # every file is checked: built here, before any fork, so that workers inherit it
    for loaded in crd_inputs:
        findings.extend(f for f in loaded.findings if f.severity == Severity.ERROR)
        linter().register_crds(loaded)
    for loaded in repository_crds:
        linter().register_crds(loaded)

    def process(input_):  # preloaded files come whole; the others as pieces, each let go once checked
        return linter().check_pieces([input_] if isinstance(input_, LoadedFile) else input_)

    def state():  # no Linter yet: no CRD registered, the state of an empty registry (see test_engine_lazy)
        return fingerprint(built[0].crds.state() if built else EMPTY_CRD_STATE)

    results = map_files(paths, options.max_file_size, process, lambda loaded: linter().register_crds(loaded), jobs,
                        load=load_pieces, cache=cache, state=state,
                        place=lambda path: _place(path, options) + kustomize_inputs.fingerprint(path))
    if cache is not None:
        cache.save()
    for loaded in crd_inputs:  # a CRD's verdict is the same from --crd as from the input
        if loaded.file not in paths:
            findings.extend(f for r in loaded.resources for f in linter().crds.findings_for(r)
                            if linter().enabled(f.rule_id))
    objects, kustomizations = [], 0
    for path in paths:
        file_findings, file_objects, file_kustomizations = results[path]
        findings.extend(file_findings)
        objects.extend(file_objects)
        kustomizations += file_kustomizations
    findings.sort(key=Finding.sort_key)
    return LintResult(findings, len(paths), len(objects), objects, kustomizations)
