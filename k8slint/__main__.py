"""`python -m k8slint ...` runs the command line, as `k8slint ...` does."""
import sys

from .cli.main import main

sys.exit(main())
