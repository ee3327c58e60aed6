"""The exit codes of the program, defined once (the CLI and the App both end with one)."""

EXIT_OK = 0
EXIT_ERROR = 1  # a problem worded in Dutch on stderr (store, file, data)
EXIT_USAGE = 2  # a wrong command line
EXIT_CRASH = 70  # EX_SOFTWARE: an unexpected error; details (without notes) in the crash log
EXIT_INTERRUPTED = 130  # ^C
