"""The ``arrangeren`` command line: ``main`` parses and dispatches; see docs/architectuur.md."""
