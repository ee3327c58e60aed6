"""The exit codes of every ``arrangeren`` command, defined once."""

EXIT_OK = 0
EXIT_ERROR = 1  # a problem worded in Dutch on stderr (store, file, data)
EXIT_USAGE = 2  # a wrong command line
EXIT_CRASH = 70  # an unexpected error; details (without notes) in the crash log
EXIT_INTERRUPTED = 130  # ^C
