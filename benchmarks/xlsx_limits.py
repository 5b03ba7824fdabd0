"""Read spreadsheets at and past ingest's limits; print time and peak memory of each read.

Each case runs ``read_table_files`` (what ``ecograph ingest`` reads with) in a child process
and reports its peak resident memory, so the figure is the reading's own.

    .venv/bin/python benchmarks/xlsx_limits.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl

from ecograph.ingest.reading import MAX_CELLS, MAX_INFLATED_BYTES, MAX_ROWS

CHILD = """
import json, sys
from pathlib import Path
from ecograph.ingest.reading import read_table_files
problems = []
tables = read_table_files([Path(sys.argv[1])], problems)
print(json.dumps({"rows": sum(len(t.rows) for t in tables), "problems": [str(p)[:120] for p in problems[:2]]}))
"""


def largest_accepted(path: Path) -> Path:
    """As many rows and cells as the limits allow, with text that keeps the inflated size under its limit."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("organisations")
    columns = MAX_CELLS // (MAX_ROWS + 1)
    sheet.append([f"column_{c}" for c in range(columns)])
    for r in range(MAX_ROWS):
        sheet.append([f"r{r}c{c}" for c in range(columns)])
    workbook.save(path)
    return path


def bomb(path: Path, megabytes: int) -> Path:
    """One cell of ``megabytes`` MB of 'A' in a small file."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        plain = path.with_suffix(".tmp.xlsx")
        workbook = openpyxl.Workbook()
        workbook.active.title = "organisations"
        workbook.active.append(["id", "name_en"])
        workbook.active.append(["x", "PLACEHOLDER"])
        workbook.save(plain)
        with zipfile.ZipFile(plain) as source:
            for info in source.infolist():
                data = source.read(info)
                if b"PLACEHOLDER" not in data:
                    archive.writestr(info, data)
                    continue
                before, after = data.split(b"PLACEHOLDER")
                with archive.open(info.filename, "w", force_zip64=True) as member:
                    member.write(before)
                    for _ in range(megabytes):
                        member.write(b"A" * 1_000_000)
                    member.write(after)
        plain.unlink()
    return path


def measure(path: Path) -> tuple[float, float, dict]:
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, json.loads(done.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("300 MB cell (a 'zip bomb')", bomb(Path(tmp) / "bomb-organisations.xlsx", 300)),
            ("150 MB cell (under the size limit)", bomb(Path(tmp) / "big-organisations.xlsx", 150)),
            ("largest accepted workbook", largest_accepted(Path(tmp) / "organisations.xlsx")),
        ]
        print(f"limits: {MAX_INFLATED_BYTES // 2**20} MiB inflated, {MAX_ROWS:,} rows, {MAX_CELLS:,} cells, 131,072 characters a cell")
        print(f"{'case':32} {'file':>10} {'inflated':>10} {'seconds':>8} {'peak RSS':>9}  outcome")
        for name, path in cases:
            with zipfile.ZipFile(path) as archive:
                inflated = sum(i.file_size for i in archive.infolist())
            seconds, peak, outcome = measure(path)
            said = f"{outcome['rows']:,} rows read" + (f"; {outcome['problems'][0]}" if outcome["problems"] else "")
            print(f"{name:32} {path.stat().st_size / 2**20:9.1f}M {inflated / 2**20:9.1f}M {seconds:8.1f} {peak:8.0f}M  {said}")


if __name__ == "__main__":
    main()
