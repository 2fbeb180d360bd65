/* k8slint._yamlfast: the JSON values of a YAML text straight from libyaml's events.
 *
 * The compiled twin of yamlread._events_value for whole texts: no Python event objects, no node graph.
 * It takes only the simple documents (no anchors, aliases, collection tags, complex, duplicate or `<<` keys,
 * nothing nested deeper than the limit it is given) and a text that parses to the end; for anything else it
 * returns None and the Python reader, the reference, reads the text. Plain scalars are resolved by Python
 * (yamlscalars) through the caches yamlread keeps: a hit is a dict look-up here, a miss (and every explicit
 * tag) a call back into Python, which also records notes and problems. So the semantics live in one place.
 *
 * find_node walks one document's events to a JSON path and returns the node's marks: span lookups without
 * composing a node graph.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <yaml.h>

/* what the resolve callback is asked for */
#define WANT_VALUE 0
#define WANT_KEY 1

typedef struct {
    PyObject *container; /* owned: the dict or list being filled */
    int is_map;
    PyObject *key;       /* owned or NULL: a mapping's pending key (NULL while waiting for one) */
    PyObject *at;        /* owned or NULL: the key or index this container has in its parent */
} Frame;

typedef struct {
    yaml_parser_t parser;
    int parser_ready;
    yaml_event_t event;
    int have_event;
    Frame *frames;
    Py_ssize_t depth;     /* open collections */
    Py_ssize_t max_depth;
    PyObject *plain_keys, *plain_values, *resolve; /* borrowed from the call's arguments */
    PyObject *plain_tag, *key_marker;              /* owned */
    long doc;
} Reader;

/* Result of a step: OK, FALLBACK (hand the text to the Python reader; no exception set), or ERROR (a
 * Python exception is set and is passed on). */
enum { OK = 0, FALLBACK = 1, ERROR = 2 };

static void drop_event(Reader *r) {
    if (r->have_event) {
        yaml_event_delete(&r->event);
        r->have_event = 0;
    }
}

static int next_event(Reader *r) {
    drop_event(r);
    if (!yaml_parser_parse(&r->parser, &r->event))
        return FALLBACK; /* a syntax error: the Python reader reports it */
    r->have_event = 1;
    return OK;
}

static void clear_frames(Reader *r) {
    while (r->depth > 0) {
        Frame *f = &r->frames[--r->depth];
        Py_CLEAR(f->container);
        Py_CLEAR(f->key);
        Py_CLEAR(f->at);
    }
}

/* The JSON path of the node at hand, as yamlread._events_value's path() builds it: the keys and indices
 * down to the innermost open collection, then the pending key or the next index (or "<key>" for a key). */
static PyObject *build_path(Reader *r, int for_key) {
    if (r->depth == 0)
        return PyTuple_New(0);
    Py_ssize_t n = r->depth;
    PyObject *path = PyTuple_New(n);
    if (path == NULL)
        return NULL;
    for (Py_ssize_t i = 1; i < n; i++) {
        PyObject *at = r->frames[i].at;
        Py_INCREF(at);
        PyTuple_SET_ITEM(path, i - 1, at);
    }
    Frame *top = &r->frames[n - 1];
    PyObject *last;
    if (for_key) {
        last = r->key_marker;
        Py_INCREF(last);
    } else if (top->is_map) {
        last = top->key;
        Py_INCREF(last);
    } else {
        last = PyLong_FromSsize_t(PyList_GET_SIZE(top->container));
        if (last == NULL) {
            Py_DECREF(path);
            return NULL;
        }
    }
    PyTuple_SET_ITEM(path, n - 1, last);
    return path;
}

/* Ask Python for a scalar's value or key (a cache miss or an explicit tag). New reference, or NULL with an
 * exception set. For a key, Py_None means "a merge key": the document is not simple. */
static PyObject *call_resolve(Reader *r, int want, PyObject *tag, PyObject *text) {
    yaml_mark_t *s = &r->event.start_mark, *e = &r->event.end_mark;
    PyObject *path = build_path(r, want == WANT_KEY);
    if (path == NULL)
        return NULL;
    PyObject *out = PyObject_CallFunction(r->resolve, "ilOOOnnnn", want, r->doc, tag, text, path,
                                          (Py_ssize_t)s->line, (Py_ssize_t)s->column, (Py_ssize_t)s->index,
                                          (Py_ssize_t)e->index);
    Py_DECREF(path);
    return out;
}

static int push(Reader *r, PyObject *container, int is_map, PyObject *at) {
    Frame *f = &r->frames[r->depth++];
    f->container = container; /* references handed over */
    f->is_map = is_map;
    f->key = NULL;
    f->at = at;
    return OK;
}

/* Put a value (reference handed over) into the innermost open collection. */
static int store(Reader *r, PyObject *value) {
    Frame *top = &r->frames[r->depth - 1];
    int failed;
    if (top->is_map) {
        failed = PyDict_SetItem(top->container, top->key, value) < 0;
        Py_CLEAR(top->key);
    } else {
        failed = PyList_Append(top->container, value) < 0;
    }
    Py_DECREF(value);
    return failed ? ERROR : OK;
}

/* What a scalar's text reads as (a new reference; NULL with an exception set), as a key or as a value:
   a plain scalar from the cache of plain keys or values, else from the Python resolver; a tagged one
   (`tag` not NULL) from the resolver; a quoted one is its text. */
static PyObject *resolved(Reader *r, int want, int plain, PyObject *tag, PyObject *text) {
    PyObject *found;
    if (plain) {
        found = PyDict_GetItemWithError(want == WANT_KEY ? r->plain_keys : r->plain_values, text);
        if (found != NULL) {
            Py_INCREF(found);
            return found;
        }
        return PyErr_Occurred() ? NULL : call_resolve(r, want, r->plain_tag, text);
    }
    if (tag != NULL)
        return call_resolve(r, want, tag, text);
    Py_INCREF(text);
    return text;
}

/* One scalar event: a key of the innermost mapping, a value in it, or the document itself (*root). */
static int scalar(Reader *r, PyObject **root) {
    yaml_event_t *ev = &r->event;
    if (ev->data.scalar.anchor != NULL)
        return FALLBACK;
    const char *tagname = (const char *)ev->data.scalar.tag;
    int explicit_tag = tagname != NULL && strcmp(tagname, "!") != 0;
    int plain = !explicit_tag && ev->data.scalar.plain_implicit == 1;
    PyObject *text = PyUnicode_DecodeUTF8((const char *)ev->data.scalar.value,
                                          (Py_ssize_t)ev->data.scalar.length, "strict");
    if (text == NULL)
        return ERROR;
    PyObject *tag = NULL;
    if (explicit_tag) {
        tag = PyUnicode_FromString(tagname);
        if (tag == NULL) {
            Py_DECREF(text);
            return ERROR;
        }
    }
    Frame *top = r->depth ? &r->frames[r->depth - 1] : NULL;
    int rc = OK;
    if (top != NULL && top->is_map && top->key == NULL) { /* a mapping key */
        PyObject *key = resolved(r, WANT_KEY, plain, tag, text);
        if (key == NULL) {
            rc = ERROR;
        } else if (key == Py_None) {
            Py_DECREF(key);
            rc = FALLBACK; /* `<<` */
        } else if (!PyUnicode_Check(key)) {
            Py_DECREF(key);
            PyErr_SetString(PyExc_TypeError, "resolve gave a key that is not a string");
            rc = ERROR;
        } else {
            int seen = PyDict_Contains(top->container, key);
            if (seen != 0) {
                Py_DECREF(key);
                rc = seen < 0 ? ERROR : FALLBACK; /* a duplicate key */
            } else {
                top->key = key;
            }
        }
    } else {
        PyObject *value = resolved(r, WANT_VALUE, plain, tag, text);
        if (value == NULL)
            rc = ERROR;
        else if (top == NULL)
            *root = value;
        else
            rc = store(r, value);
    }
    Py_DECREF(text);
    Py_XDECREF(tag);
    return rc;
}

/* A collection's start: open it inside the innermost one (or as the document itself). */
static int open_collection(Reader *r, int is_map, PyObject **root) {
    yaml_event_t *ev = &r->event;
    const char *anchor = (const char *)(is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
    const char *tag = (const char *)(is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
    if (anchor != NULL || (tag != NULL && strcmp(tag, "!") != 0) || r->depth >= r->max_depth)
        return FALLBACK;
    Frame *top = r->depth ? &r->frames[r->depth - 1] : NULL;
    if (top != NULL && top->is_map && top->key == NULL)
        return FALLBACK; /* a complex key */
    PyObject *made = is_map ? PyDict_New() : PyList_New(0);
    if (made == NULL)
        return ERROR;
    PyObject *at = NULL;
    if (top == NULL) {
        Py_INCREF(made);
        *root = made;
    } else {
        if (top->is_map) {
            at = top->key;
            Py_INCREF(at);
        } else {
            at = PyLong_FromSsize_t(PyList_GET_SIZE(top->container));
            if (at == NULL) {
                Py_DECREF(made);
                return ERROR;
            }
        }
        Py_INCREF(made);
        if (store(r, made) != OK) {
            Py_DECREF(made);
            Py_DECREF(at);
            return ERROR;
        }
    }
    return push(r, made, is_map, at);
}

/* The value of the document whose events come next, and the marks of its first and last event. */
static int document(Reader *r, PyObject **value, yaml_mark_t *first, yaml_mark_t *last) {
    PyObject *root = NULL;
    int rc;
    for (;;) {
        if ((rc = next_event(r)) != OK)
            break;
        yaml_event_type_t type = r->event.type;
        if (r->depth == 0)
            *first = r->event.start_mark;
        if (type == YAML_SCALAR_EVENT) {
            rc = scalar(r, &root);
            if (rc == OK && r->depth == 0) {
                *last = r->event.end_mark;
                break;
            }
        } else if (type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT) {
            rc = open_collection(r, type == YAML_MAPPING_START_EVENT, &root);
        } else if ((type == YAML_MAPPING_END_EVENT || type == YAML_SEQUENCE_END_EVENT) && r->depth > 0) {
            Frame *f = &r->frames[--r->depth];
            Py_CLEAR(f->container);
            Py_CLEAR(f->key);
            Py_CLEAR(f->at);
            if (r->depth == 0) {
                *last = r->event.end_mark;
                break;
            }
        } else {
            rc = FALLBACK; /* an alias, or an event out of place */
        }
        if (rc != OK)
            break;
    }
    clear_frames(r);
    if (rc != OK) {
        Py_XDECREF(root);
        return rc;
    }
    *value = root;
    return OK;
}

/* The text's UTF-8 bytes: an ASCII str's own buffer (no copy), else a new bytes object in *utf8. */
static const char *utf8_of(PyObject *text, PyObject **utf8, Py_ssize_t *size) {
    *utf8 = NULL;
    if (PyUnicode_IS_ASCII(text))
        return PyUnicode_AsUTF8AndSize(text, size);
    *utf8 = PyUnicode_AsUTF8String(text);
    if (*utf8 == NULL)
        return NULL;
    *size = PyBytes_GET_SIZE(*utf8);
    return PyBytes_AS_STRING(*utf8);
}

/* An explicit-key indicator (`?` then a space, a line break, a flow indicator or the end): the system's
 * libyaml 0.2.5 and PyYAML's newer bundled one disagree on `[ ? ] ]` (0.2.5 accepts it; fixed upstream in
 * 2024), and explicit keys are rare in manifests, so such texts are left to PyYAML's parser. A `?` in a
 * comment or a quoted string costs the same fallback, never a different answer. */
static int has_explicit_key(const char *data, Py_ssize_t size) {
    const char *at = data, *end = data + size;
    while ((at = memchr(at, '?', (size_t)(end - at))) != NULL) {
        at++;
        if (at == end || memchr(" \t\r\n,[]{}", *at, 10) != NULL)
            return 1;
    }
    return 0;
}

static int start_parser(Reader *r, PyObject *text, PyObject **utf8) {
    Py_ssize_t size;
    const char *data = utf8_of(text, utf8, &size);
    if (data == NULL)
        return ERROR;
    if (has_explicit_key(data, size))
        return FALLBACK;
    if (!yaml_parser_initialize(&r->parser)) {
        PyErr_NoMemory();
        return ERROR;
    }
    r->parser_ready = 1;
    /* no encoding set: libyaml detects it (and skips a byte-order mark) as it does for PyYAML */
    yaml_parser_set_input_string(&r->parser, (const unsigned char *)data, (size_t)size);
    return OK;
}

static void stop_parser(Reader *r) {
    drop_event(r);
    clear_frames(r);
    if (r->parser_ready)
        yaml_parser_delete(&r->parser);
    r->parser_ready = 0;
    PyMem_Free(r->frames);
    r->frames = NULL;
    Py_CLEAR(r->plain_tag);
    Py_CLEAR(r->key_marker);
}

static int read_all(Reader *r, PyObject *docs) {
    int rc = next_event(r);
    if (rc != OK)
        return rc;
    if (r->event.type != YAML_STREAM_START_EVENT)
        return FALLBACK;
    for (;;) {
        if ((rc = next_event(r)) != OK)
            return rc;
        if (r->event.type != YAML_DOCUMENT_START_EVENT)
            return r->event.type == YAML_STREAM_END_EVENT ? OK : FALLBACK;
        yaml_mark_t begin = r->event.start_mark, first = begin, last = begin;
        PyObject *value = NULL;
        if ((rc = document(r, &value, &first, &last)) != OK)
            return rc;
        if ((rc = next_event(r)) != OK || r->event.type != YAML_DOCUMENT_END_EVENT) {
            Py_DECREF(value);
            return rc != OK ? rc : FALLBACK;
        }
        PyObject *item = Py_BuildValue("(Nnnnnnnnn)", value,
                                       (Py_ssize_t)first.line, (Py_ssize_t)first.column, (Py_ssize_t)first.index,
                                       (Py_ssize_t)last.index, (Py_ssize_t)begin.line, (Py_ssize_t)begin.column,
                                       (Py_ssize_t)begin.index, (Py_ssize_t)r->event.end_mark.index);
        if (item == NULL)
            return ERROR;
        int failed = PyList_Append(docs, item) < 0;
        Py_DECREF(item);
        if (failed)
            return ERROR;
        r->doc++;
    }
}

/* ---- find_node: the marks of the node at a JSON path in the first document of a text ---- */

typedef struct {
    yaml_parser_t parser;
    int parser_ready;
    yaml_event_t event;
    int have_event;
} Walker;

static int walk_next(Walker *w) {
    if (w->have_event) {
        yaml_event_delete(&w->event);
        w->have_event = 0;
    }
    if (!yaml_parser_parse(&w->parser, &w->event))
        return FALLBACK;
    w->have_event = 1;
    return OK;
}

/* Consume the node whose first event is the current one: afterwards the current event is its last. */
static int walk_skip(Walker *w) {
    yaml_event_type_t type = w->event.type;
    if (type == YAML_SCALAR_EVENT)
        return OK;
    if (type != YAML_MAPPING_START_EVENT && type != YAML_SEQUENCE_START_EVENT)
        return FALLBACK; /* an alias (or an event out of place): the node graph knows what it means */
    size_t depth = 1;
    while (depth) {
        if (walk_next(w) != OK)
            return FALLBACK;
        type = w->event.type;
        if (type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT)
            depth++;
        else if (type == YAML_MAPPING_END_EVENT || type == YAML_SEQUENCE_END_EVENT)
            depth--;
        else if (type != YAML_SCALAR_EVENT)
            return FALLBACK;
    }
    return OK;
}

/* The JSON key of the current (scalar) event, as yamlread.node_key gives it. New reference or NULL. */
static PyObject *walk_key(Walker *w, PyObject *plain_keys, PyObject *key_of, int *fallback) {
    yaml_event_t *ev = &w->event;
    if (ev->type != YAML_SCALAR_EVENT || ev->data.scalar.anchor != NULL) {
        *fallback = 1; /* a complex or anchored key: not what read_chunk took */
        return NULL;
    }
    const char *tagname = (const char *)ev->data.scalar.tag;
    int explicit_tag = tagname != NULL && strcmp(tagname, "!") != 0;
    PyObject *text = PyUnicode_DecodeUTF8((const char *)ev->data.scalar.value,
                                          (Py_ssize_t)ev->data.scalar.length, "strict");
    if (text == NULL)
        return NULL;
    PyObject *key;
    if (explicit_tag) {
        key = PyObject_CallFunction(key_of, "sO", tagname, text);
    } else if (ev->data.scalar.plain_implicit == 1) {
        key = PyDict_GetItemWithError(plain_keys, text);
        if (key != NULL)
            Py_INCREF(key);
        else if (!PyErr_Occurred())
            key = PyObject_CallFunction(key_of, "sO", "?", text);
    } else {
        key = text;
        Py_INCREF(key);
    }
    Py_DECREF(text);
    return key;
}

static PyObject *marks(yaml_mark_t *start, yaml_mark_t *end) {
    return Py_BuildValue("(nnnn)", (Py_ssize_t)start->line, (Py_ssize_t)start->column, (Py_ssize_t)start->index,
                         (Py_ssize_t)end->index);
}

/* Walk to `path`: OK with *found = (key marks or None, value marks), OK with *found NULL when the document
 * has no such node, FALLBACK, or ERROR. */
static int walk_path(Walker *w, PyObject *path, PyObject *plain_keys, PyObject *key_of, PyObject **found) {
    int rc;
    *found = NULL;
    if ((rc = walk_next(w)) != OK || w->event.type != YAML_STREAM_START_EVENT)
        return rc != OK ? rc : FALLBACK;
    if ((rc = walk_next(w)) != OK)
        return rc;
    if (w->event.type != YAML_DOCUMENT_START_EVENT)
        return FALLBACK;
    if ((rc = walk_next(w)) != OK) /* the document's node */
        return rc;
    Py_ssize_t n = PyTuple_GET_SIZE(path);
    yaml_mark_t key_start = w->event.start_mark, key_end = w->event.end_mark;
    int have_key = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *part = PyTuple_GET_ITEM(path, i);
        yaml_event_type_t type = w->event.type;
        if (type == YAML_SEQUENCE_START_EVENT) {
            if (!PyLong_Check(part))
                return OK;
            Py_ssize_t want = PyLong_AsSsize_t(part);
            if (want == -1 && PyErr_Occurred()) {
                PyErr_Clear(); /* too large for any list */
                return OK;
            }
            if (want < 0)
                return OK;
            for (Py_ssize_t k = 0;; k++) {
                if ((rc = walk_next(w)) != OK)
                    return rc;
                if (w->event.type == YAML_SEQUENCE_END_EVENT)
                    return OK;
                if (k == want)
                    break;
                if ((rc = walk_skip(w)) != OK)
                    return rc;
            }
            have_key = 0;
        } else if (type == YAML_MAPPING_START_EVENT) {
            for (;;) {
                if ((rc = walk_next(w)) != OK)
                    return rc;
                if (w->event.type == YAML_MAPPING_END_EVENT)
                    return OK;
                int fallback = 0;
                PyObject *key = walk_key(w, plain_keys, key_of, &fallback);
                if (key == NULL)
                    return fallback ? FALLBACK : ERROR;
                int same = PyObject_RichCompareBool(key, part, Py_EQ);
                Py_DECREF(key);
                if (same < 0)
                    return ERROR;
                key_start = w->event.start_mark;
                key_end = w->event.end_mark;
                if ((rc = walk_next(w)) != OK) /* the value */
                    return rc;
                if (same)
                    break;
                if ((rc = walk_skip(w)) != OK)
                    return rc;
            }
            have_key = 1;
        } else if (type == YAML_SCALAR_EVENT) {
            return OK; /* no node below a scalar */
        } else {
            return FALLBACK;
        }
    }
    yaml_mark_t start = w->event.start_mark;
    if ((rc = walk_skip(w)) != OK)
        return rc;
    PyObject *value = marks(&start, &w->event.end_mark);
    PyObject *key = have_key ? marks(&key_start, &key_end) : Py_NewRef(Py_None);
    if (value == NULL || key == NULL) {
        Py_XDECREF(value);
        Py_XDECREF(key);
        return ERROR;
    }
    *found = PyTuple_Pack(2, key, value);
    Py_DECREF(key);
    Py_DECREF(value);
    return *found == NULL ? ERROR : OK;
}

PyDoc_STRVAR(find_node_doc,
"find_node(text, path, plain_keys, key_of) -> tuple | None | NotImplemented\n\n"
"(key marks or None, value marks) of the node at the JSON path `path` (a tuple) in the first document of\n"
"text, each mark (line, column, index, end index), 0-based; None when the document has no such node;\n"
"NotImplemented when the text needs the node graph (aliases, complex keys, a syntax error). Keys are named\n"
"as yamlread.node_key names them: plain ones through plain_keys, else key_of(tag, text) ('?' for plain).\n"
"Only the mapping keys on the way are resolved: nothing is built of the values.");

static PyObject *find_node(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *text, *path, *plain_keys, *key_of;
    if (!PyArg_ParseTuple(args, "UO!O!O:find_node", &text, &PyTuple_Type, &path, &PyDict_Type, &plain_keys,
                          &key_of))
        return NULL;
    Py_ssize_t size;
    PyObject *utf8;
    const char *data = utf8_of(text, &utf8, &size);
    if (data == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeError))
            return NULL;
        PyErr_Clear();
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (has_explicit_key(data, size)) { /* see has_explicit_key: read_chunk took no such text */
        Py_XDECREF(utf8);
        Py_RETURN_NOTIMPLEMENTED;
    }
    Walker w;
    memset(&w, 0, sizeof w);
    if (!yaml_parser_initialize(&w.parser)) {
        Py_XDECREF(utf8);
        return PyErr_NoMemory();
    }
    yaml_parser_set_input_string(&w.parser, (const unsigned char *)data, (size_t)size);
    PyObject *found = NULL;
    int rc = walk_path(&w, path, plain_keys, key_of, &found);
    if (w.have_event)
        yaml_event_delete(&w.event);
    yaml_parser_delete(&w.parser);
    Py_XDECREF(utf8);
    if (rc == ERROR)
        return NULL;
    if (rc == FALLBACK)
        Py_RETURN_NOTIMPLEMENTED;
    if (found == NULL)
        Py_RETURN_NONE;
    return found;
}

PyDoc_STRVAR(read_chunk_doc,
"read_chunk(text, plain_keys, plain_values, resolve, max_depth) -> list | None\n\n"
"(value, first line, first column, first index, last end index, begin line, begin column, begin index,\n"
"end end index) for every document of text (0-based libyaml marks: the node's first and last event, the\n"
"document's start and end events), or None when a document or the text needs the Python reader.\n"
"resolve(want, doc, tag, text, path, line, column, index, end_index) gives a scalar's value (want=0) or\n"
"key (want=1; None for a merge key) when the caches do not hold it or the scalar has a tag.");

static PyObject *read_chunk(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *text, *plain_keys, *plain_values, *resolve;
    Py_ssize_t max_depth;
    if (!PyArg_ParseTuple(args, "UO!O!On:read_chunk", &text, &PyDict_Type, &plain_keys, &PyDict_Type,
                          &plain_values, &resolve, &max_depth))
        return NULL;
    if (max_depth < 1 || max_depth > 100000) {
        PyErr_SetString(PyExc_ValueError, "max_depth out of range");
        return NULL;
    }
    Reader r;
    memset(&r, 0, sizeof r);
    r.plain_keys = plain_keys;
    r.plain_values = plain_values;
    r.resolve = resolve;
    r.max_depth = max_depth;
    PyObject *utf8 = NULL, *docs = NULL;
    int rc = ERROR;
    r.frames = PyMem_Calloc((size_t)max_depth, sizeof(Frame));
    r.plain_tag = PyUnicode_FromString("?");
    r.key_marker = PyUnicode_FromString("<key>");
    docs = PyList_New(0);
    if (r.frames == NULL || r.plain_tag == NULL || r.key_marker == NULL || docs == NULL) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
    } else if ((rc = start_parser(&r, text, &utf8)) == OK) {
        rc = read_all(&r, docs);
    }
    stop_parser(&r);
    Py_XDECREF(utf8);
    if (rc == OK)
        return docs;
    Py_XDECREF(docs);
    if (rc == ERROR && PyErr_ExceptionMatches(PyExc_UnicodeError)) {
        PyErr_Clear(); /* a lone surrogate, say: the Python reader says what is wrong */
        rc = FALLBACK;
    }
    if (rc == ERROR)
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"read_chunk", read_chunk, METH_VARARGS, read_chunk_doc},
    {"find_node", find_node, METH_VARARGS, find_node_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_yamlfast", "JSON values of YAML texts straight from libyaml's events.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__yamlfast(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddStringConstant(m, "libyaml_version", yaml_get_version_string()) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
