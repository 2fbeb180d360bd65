"""`python -m k8slint ...` runs the command line, like the `k8slint` command."""
import sys

from .cli.main import main

sys.exit(main())
