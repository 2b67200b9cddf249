#!/usr/bin/env python3
"""Baseline for benches/licences.rs: reads the same 50,000-row licence master
with openpyxl (read_only=True, values only) and prints the time, best of N.

It only reads cell values row by row (no header search, no date or amount
parsing, no database), so it is a lower bound for what a Python import would
cost. Run it right after `cargo bench --bench licences`, which writes the file:

    pip install openpyxl==3.1.5
    python3 benches/openpyxl_baseline.py [/tmp/actas-licences-50000.xlsx] [repeats]
"""

import os
import sys
import tempfile
import time

import openpyxl


def read_all(path):
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if any(v is not None for v in row):
                rows += 1
    workbook.close()
    return rows


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        tempfile.gettempdir(), "actas-licences-50000.xlsx")
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    best = best_cpu = None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        rows = read_all(path)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        best = elapsed if best is None else min(best, elapsed)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    print(f"openpyxl {openpyxl.__version__} read_only: {rows} filas no vacías de {path}")
    print(f"mejor de {repeats}: {best:.3f} s")
    # CPU time: what it costs on one core, whatever else the machine runs.
    print(f"cpu mejor de {repeats}: {best_cpu:.3f} s")


if __name__ == "__main__":
    main()
