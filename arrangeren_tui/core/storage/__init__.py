"""Files on disk: atomic writes, the session lock, the session store and its index, the save
thread, history search, retention and the crash log."""
