from django.core.management.base import BaseCommand

from collaboration import similarity
from portal.lib import caching


class Command(BaseCommand):
    help = "Builds the similar-cases index of every initiative afresh."

    def handle(self, *args, **options):
        count = similarity.rebuild_index()
        caching.bump(similarity.TOPIC)
        self.stdout.write(f"Similar cases: {count} initiatives indexed.")
