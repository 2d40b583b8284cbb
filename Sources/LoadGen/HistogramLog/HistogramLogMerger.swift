import Histogram

/// Adds the intervals of HdrHistogram logs: per tag over the whole log, or per second of a run.
public enum HistogramLogMerger {
    /// The total of every interval, by tag (untagged intervals under "").
    public static func totals(_ intervals: [HistogramLogInterval]) throws(LoadGenError) -> [String: Histogram<UInt64>] {
        var totals: [String: Histogram<UInt64>] = [:]
        for interval in intervals {
            var total = totals[interval.tag ?? ""] ?? emptyLike(interval.histogram)
            try add(interval.histogram, to: &total)
            totals[interval.tag ?? ""] = total
        }
        return totals
    }

    /// Each tag's combined percentiles.
    public static func summaries(_ intervals: [HistogramLogInterval]) throws(LoadGenError) -> [String: LatencySummary] {
        try totals(intervals).mapValues(summary)
    }

    /// Interval histograms added by the second of its log (the second of each worker's run) they began in.
    /// Workers that started together (`--start-at`, the barrier) line up second by second.
    public static func perSecond(_ intervals: [HistogramLogInterval]) -> [Int: [String: Histogram<UInt64>]] {
        var seconds: [Int: [String: Histogram<UInt64>]] = [:]
        for interval in intervals {
            let offset = interval.offsetSeconds
            guard offset.isFinite, offset < 366 * 86_400 else { continue }
            let second = max(0, Int(offset.rounded(.down)))
            var total = seconds[second]?[interval.tag ?? ""] ?? emptyLike(interval.histogram)
            guard (try? add(interval.histogram, to: &total)) != nil else { continue }
            seconds[second, default: [:]][interval.tag ?? ""] = total
        }
        return seconds
    }

    /// `Histogram.add` traps on a different layout; this says so instead.
    static func add(_ histogram: Histogram<UInt64>, to total: inout Histogram<UInt64>) throws(LoadGenError) {
        guard total.hasLayout(of: histogram) else {
            throw LoadGenError(
                "histograms of different precision cannot be added (\(histogram.numberOfSignificantValueDigits.rawValue) vs \(total.numberOfSignificantValueDigits.rawValue) significant digits)",
                code: .invalidData)
        }
        total.autoResize = true
        total.add(histogram)
    }

    private static func emptyLike(_ histogram: Histogram<UInt64>) -> Histogram<UInt64> {
        var empty = Histogram<UInt64>(
            lowestDiscernibleValue: histogram.lowestDiscernibleValue, highestTrackableValue: histogram.highestTrackableValue,
            numberOfSignificantValueDigits: histogram.numberOfSignificantValueDigits)
        empty.autoResize = true
        return empty
    }
}
