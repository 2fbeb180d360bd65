"""k8slint: a Kubernetes manifest linter and upgrade advisor."""

__version__ = "0.1.0"
