"""Each fix snapshots the editor's state with deepcopy over a memo shared by the document (NodeMemo): the
composed nodes are never copied, and what one copy adds never reaches the shared memo (a copy of the
shared memo per fix was quadratic in a List of thousands of objects)."""
from __future__ import annotations

import copy

from k8slint.fixer.source import Document, NodeMemo, compose_documents


def test_a_copy_keeps_the_nodes_and_leaves_the_shared_memo_alone():
    doc = Document("a: [1, 2]\nb: {c: d}\n", compose_documents("a: [1, 2]\nb: {c: d}\n")[0])
    shared = doc.node_memo()
    size = len(shared)
    node = doc.root.value[1][1]
    state = {"sets": {id(node): [node, doc.root, {"x": [1]}]}, "list": [node]}
    copied = copy.deepcopy(state, NodeMemo(shared))
    assert copied["sets"][id(node)][0] is node and copied["sets"][id(node)][1] is doc.root
    assert copied["list"][0] is node
    assert copied["sets"][id(node)][2] == {"x": [1]} and copied["sets"][id(node)][2] is not state["sets"][id(node)][2]
    assert len(shared) == size and doc.node_memo() is shared
