"""The floor an import is measured against: python-calamine reads the roster's sheet and a
bare sqlite3 executemany upserts its rows into a table with one index (its key).

Run as a whole process: python bench/floor.py ROSTER.xlsx DATABASE
"""

import sqlite3
import sys

from python_calamine import CalamineWorkbook

rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
data = [[str(cell) for cell in row] for row in rows[4:] if row[0] and row[0] != "รวม"]
names = [f"c{i}" for i in range(1, len(data[0]))]
database = sqlite3.connect(sys.argv[2])
database.execute("PRAGMA journal_mode=WAL")
database.execute("PRAGMA synchronous=NORMAL")
database.execute(f"CREATE TABLE IF NOT EXISTS t (k TEXT UNIQUE, {', '.join(names)})")
marks = ", ".join("?" * (len(names) + 1))
changed = ", ".join(f"{name} = excluded.{name}" for name in names)
upsert = f"INSERT INTO t VALUES ({marks}) ON CONFLICT (k) DO UPDATE SET {changed}"  # noqa: S608
database.executemany(upsert, data)
database.commit()
