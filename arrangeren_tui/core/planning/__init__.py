"""The jaarplanning: series of meeting slots for a school year, and sessions assigned to them.

A *reeks* (series) is a rule such as "the third Tuesday of every month" or
"every three weeks on Thursday", between two dates, with school holidays left
out. It produces *slots* (momenten): a date, a time and a length, free until a
session is assigned to one. One session per slot and one slot per session.

Everything lives in one TinyDB file, ``jaarplanning/planning.json`` inside the
store folder: a folder of its own, because the session store takes every
``*.json`` in its root for a session. The file holds session ids, never a
pupil's name. Writes are atomic (the previous version is kept as ``.bak``) and
serialised between processes with a ``flock``; a damaged file is refused, never
overwritten, and can be set aside with :meth:`PlanningStore.repair`.

- ``rules``: series, slots, the date rules and the parsers of their fields;
- ``store``: the locked planning file;
- ``calendar``: rows for the year view and events for the ``.ics`` calendar.

Pure Python: no Textual here.
"""
