"""Everything that runs on a timer: when (`scheduler.py`), what (`scheduled.py`: the digest
and reminder passes), the messages themselves (`digest.py`, `reminders.py`) and the
exactly-once machinery they post through (`delivery.py`)."""
