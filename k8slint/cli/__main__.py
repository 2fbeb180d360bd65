"""`python -m k8slint.cli ...` runs the command line, as `k8slint ...` does."""

from .main import exit_now, main

exit_now(main())
