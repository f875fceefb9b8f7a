from django.core.management.base import BaseCommand

from portal.services.reference import load_reference_data


class Command(BaseCommand):
    help = "Creates or updates the regions, the 35 municipalities and their organisations."

    def handle(self, *args, **options):
        counts = load_reference_data()
        self.stdout.write(self.style.SUCCESS(
            f"Reference data: {counts.regions} regions, {counts.subareas} sub-areas, "
            f"{counts.municipalities} municipalities, {counts.organisations} organisations."
        ))
