"""Synthetic data at scale for `manage.py generate_demo_data` and the benchmark.

Each ``generate(scale=, seed=)`` adds rows in bulk and returns a summary; they run in this
order, each after the rows it refers to.
"""

from . import audit, collaboration, meetings, similar, surveys

GENERATORS = (
    ("initiatives", collaboration.generate_for_scale),
    ("surveys", surveys.generate_for_scale),
    ("meetings", meetings.generate_for_scale),
    # Last: the entries are about the rows the others made.
    ("similar cases", similar.index_for_scale),
    ("audit", audit.generate_for_scale),
)
