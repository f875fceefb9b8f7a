from django.core.management.base import BaseCommand

from collaboration import similar_store, similarity
from portal.lib import caching


class Command(BaseCommand):
    help = ("Builds the similar-cases index of every initiative afresh, and each "
            "initiative's kept list of similar cases.")

    def handle(self, *args, **options):
        count = similar_store.rebuild_all()
        caching.bump(similarity.TOPIC)
        self.stdout.write(f"Similar cases: {count} initiatives indexed.")
