"""Synthetic resident IDs with valid GB 11643 check characters, as CSV on standard output.

    python3 benchmarks/resident_ids.py FIRST COUNT [--amount]

ID i has region 110105, birth date 1950-01-01 + i // 1000 days and sequence i % 1000; rows are IDs FIRST..FIRST+COUNT-1
under the header id_number, with --amount a second column amount = i % 9973.
"""
import datetime
import sys

first, count = int(sys.argv[1]), int(sys.argv[2])
amount = "--amount" in sys.argv[3:]
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
start = datetime.date(1950, 1, 1)
# Prefixes and sequences carry their weighted digit sums, so each ID costs one addition.
sequences = [(f"{s:03d}", sum(int(c) * w for c, w in zip(f"{s:03d}", weights[14:]))) for s in range(1000)]
out = sys.stdout
out.write("id_number,amount\n" if amount else "id_number\n")
for day in range(first // 1000, (first + count + 999) // 1000):
    prefix = "110105" + (start + datetime.timedelta(days=day)).strftime("%Y%m%d")
    weighted = sum(int(c) * w for c, w in zip(prefix, weights))
    for s in range(max(first, day * 1000) - day * 1000, min(first + count, day * 1000 + 1000) - day * 1000):
        digits, sequence_sum = sequences[s]
        rid = prefix + digits + "10X98765432"[(weighted + sequence_sum) % 11]
        i = day * 1000 + s
        out.write(f"{rid},{i % 9973}\n" if amount else rid + "\n")
