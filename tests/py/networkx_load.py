"""Loads a kennisgraaf GraphML or GEXF export with networkx and prints what it holds.

Usage: python3 networkx_load.py graphml|gexf FILE NODE_ID
"""
import json
import sys

import networkx as nx

kind, path, node = sys.argv[1], sys.argv[2], sys.argv[3]
g = nx.read_graphml(path) if kind == "graphml" else nx.read_gexf(path)
print(json.dumps({
    "nodes": g.number_of_nodes(),
    "edges": g.number_of_edges(),
    "directed": g.is_directed(),
    "node": {k: v for k, v in g.nodes[node].items()},
    # With --with-evidence: the statements over all edges.
    "evidence": sum(int(d.get("evidence_count", 0)) for _, _, d in g.edges(data=True)),
    "edge_types": sorted({d.get("relation") for _, _, d in g.edges(data=True)}),
    # The node's relations with the label a viewer draws (GEXF's edge label).
    "node_edges": sorted(
        ({"relation": d.get("relation"), "predicate": d.get("predicate"), "label": d.get("label"),
          "evidence_count": d.get("evidence_count"), "evidence_sentence": d.get("evidence_sentence")}
         for s, t, d in g.edges(data=True) if node in (s, t)),
        key=lambda e: (e["relation"], e["predicate"] or "", e["label"] or ""),
    ),
}, default=str))
