"""`python -m k8slint.cli ...` runs the command line, as `k8slint ...` does."""
import sys

from .main import main

sys.exit(main())
