import time

from django.core.management.base import BaseCommand, CommandError

from devtools.synthetic import GENERATORS
from portal.lib import caching


class Command(BaseCommand):
    help = ("Adds synthetic data (marked as demo data) on top of the reference data, for "
            "measuring the portal at scale. Scale 1 is a decade of the programme.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale: float, seed: int, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10")
        for name, generate in GENERATORS:
            started = time.perf_counter()
            summary = generate(scale=scale, seed=seed)
            self.stdout.write(self.style.SUCCESS(
                f"{name}: {summary} ({time.perf_counter() - started:.1f} s)"))
        caching.bump(caching.EVERYTHING)  # bulk inserts send no signals
