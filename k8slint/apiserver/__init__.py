"""API-server semantics: what the Kubernetes API server's own validation rejects beyond the OpenAPI schema.

One module per area (object metadata, pods and containers, workloads, services ...), each with its SRV rules
(`RULES`), the kinds it looks at (`KINDS`) and one `walk` that reports what it finds; `k8slint.apisyntax` holds the
string formats they share. `registry` lists the areas; the rules package turns them into rules.
"""
