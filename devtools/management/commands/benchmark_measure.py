import json

from django.core.management.base import BaseCommand

from devtools.benchmark import measures


class Command(BaseCommand):
    help = "One benchmark measurement in this process (used by `manage.py benchmark`)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["annual", "survey", "csv", "csv-copy", "prepare-csv",
                                                  "cookie", "page-queries",
                                                  "similar"])
        parser.add_argument("argument")

    def handle(self, *args, what: str, argument: str, **options):
        self.stdout.write(json.dumps(measures.run(what, argument)))
