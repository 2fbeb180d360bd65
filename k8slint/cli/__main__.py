"""`python -m k8slint.cli ...` runs the command line."""
import sys

from .main import main

sys.exit(main())
