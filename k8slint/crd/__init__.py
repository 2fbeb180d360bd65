"""CustomResourceDefinitions as the API server judges them: which CRD defines a kind (never a built-in one),
what the API server refuses in a CRD, and the rule metadata of the CRD family."""
