"""LibreOffice as the real client of the portal's spreadsheets: files are converted with
``soffice --headless`` (xlsx → PDF, CSV → xlsx) and the results read back."""

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import need_service

# The CSV filter's options: comma, double quote, UTF-8 (76), from line 1. Headless conversion
# without them reads every CSV as Windows-1252, BOM or not (LibreOffice 7.4).
CSV_UTF8 = "CSV:44,34,76,1"


def soffice() -> str:
    path = shutil.which("soffice")
    need_service(path is not None, "LibreOffice (soffice) is not installed")
    return path


def convert(files: list[Path], target: str, out: Path, profile: Path,
            infilter: str | None = None) -> list[Path]:
    """Converts ``files`` in one run; a private profile keeps parallel runs apart."""
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(out), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    extension = target.split(":")[0]
    converted = [out / f"{file.stem}.{extension}" for file in files]
    missing = [path.name for path in converted if not path.exists()]
    assert done.returncode == 0 and not missing, (done.stdout, done.stderr)
    assert "Error" not in done.stderr, done.stderr  # e.g. "source file could not be loaded"
    return converted


def pdf_text(path: Path) -> str:
    need_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is missing")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines()
                    if line.startswith("Pages:")))


def pdf_images(path: Path) -> int:
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                             check=True).stdout
    return len(listing.splitlines()) - 2  # two header lines


def keep_for_looking(*files: Path) -> None:
    """With RENDERS_DIR set, the converted files are kept there to be looked at (pdftoppm)."""
    if target := os.environ.get("RENDERS_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        for file in files:
            shutil.copy(file, Path(target) / file.name)
