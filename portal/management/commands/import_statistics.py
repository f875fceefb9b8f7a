from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.services.statistics_import import StatisticsImportError, import_statistics


class Command(BaseCommand):
    help = ("Imports municipal statistics from a .csv or .xlsx file with the columns "
            "lg_code, year, indicator, value, source, as_of. A file with any problem is "
            "refused as a whole.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--demo", action="store_true", help="mark the figures as demo values")

    def handle(self, *args, path: Path, demo: bool, **options):
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        try:
            result = import_statistics(content=content, filename=path.name, is_demo=demo)
        except StatisticsImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{path.name}: {len(error.problems)} problem(s); nothing imported.") from None
        self.stdout.write(self.style.SUCCESS(
            f"{path.name}: {result.created} figures added, {result.updated} updated, "
            f"{result.unchanged} unchanged."))
