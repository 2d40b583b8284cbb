"""Decodes image-loadgen --histogram-log files with the independent HdrHistogram implementation from PyPI
(`hdrhistogram`), adds each tag's intervals over all the files, and prints per tag: intervals, count, p50, p99 and
max (microseconds)."""
import json
import sys

from hdrh.histogram import HdrHistogram
from hdrh.log import HistogramLogReader

totals = {}
intervals = {}
for path in sys.argv[1:]:
    reader = HistogramLogReader(path, HdrHistogram(1, 3600000000, 3))
    with open(path, encoding="utf-8") as log:
        tags = [line.split(",", 1)[0][4:] for line in log if line.startswith("Tag=")]
    for tag in tags:
        histogram = reader.get_next_interval_histogram()
        if histogram is None:
            sys.exit(path + ": the log ended early")
        if tag not in totals:
            totals[tag] = HdrHistogram(1, 3600000000, 3)
            intervals[tag] = 0
        totals[tag].add(histogram)
        intervals[tag] += 1
    if reader.get_next_interval_histogram() is not None:
        sys.exit(path + ": more intervals than tagged lines")
print(json.dumps({
    tag: {
        "intervals": intervals[tag],
        "count": total.get_total_count(),
        "p50": total.get_value_at_percentile(50),
        "p99": total.get_value_at_percentile(99),
        "max": total.get_max_value(),
    }
    for tag, total in totals.items()
}))
