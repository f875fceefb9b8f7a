"""Demo data for `manage.py load_demo_data`: each loader adds its rows where missing and
returns a one-line summary. They run in this order, after the demo accounts and statistics."""

from .collaboration import create_demo_initiatives, index_demo_initiatives
from .meetings import create_demo_councils
from .surveys import create_demo_survey

# Last: the similar-cases index reads the initiatives the others made.
LOADERS = (create_demo_initiatives, create_demo_survey, create_demo_councils,
           index_demo_initiatives)
