"""The CSV export against PostgreSQL's COPY of the same rows, measured side by side in one
process (devtools.benchmark.measures.export_against_copy)."""

TARGET_SHARE_OF_COPY = 0.25
LABEL = "CSV export vs COPY, 100,000 rows"


def section(measured: dict) -> tuple[list[str], bool]:
    values = measured.get(LABEL)
    if values is None:
        return [], True
    ok = values["ratio"] >= TARGET_SHARE_OF_COPY
    return [f"CSV export vs COPY: export {values['export_rows_per_s']:,} rows/s, COPY of the "
            f"same rows {values['copy_rows_per_s']:,} rows/s, ratio {values['ratio']:.0%} "
            f"(target ≥ {TARGET_SHARE_OF_COPY:.0%}): {'ok' if ok else 'MISSED'}; "
            f"COPY of the initiatives' own columns alone {values['bare_copy_rows_per_s']:,} "
            f"rows/s ({values['bare_ratio']:.0%})"], ok
