from django.core.management.base import BaseCommand

from portal.composition import load_all_reference_data


class Command(BaseCommand):
    help = ("Creates or updates the regions, the 35 municipalities and their organisations, "
            "then the reference data of every app (the policy's framework). Safe to re-run.")

    def handle(self, *args, **options):
        for line in load_all_reference_data():
            self.stdout.write(self.style.SUCCESS(line))
