"""`python -m arrangeren_tui` runs the same CLI as the `arrangeren` script."""

from arrangeren_tui.cli.main import main

raise SystemExit(main())
