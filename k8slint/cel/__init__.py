"""CEL validation rules of CRDs (`x-kubernetes-validations`), compiled and evaluated offline as the API
server does: the CEL runtime (cel-expr-python, Google's C++ CEL), its standard extensions, and the
Kubernetes libraries CRD rules use, per Kubernetes version."""
