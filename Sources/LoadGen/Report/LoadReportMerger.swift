import Foundation
import Histogram

/// Combines the reports of a distributed run's workers into one: counts summed, percentiles from the *added*
/// histograms (exact to HdrHistogram's precision, never averages of percentiles), the per-second series summed
/// second by second, and verification across workers. Workers draw disjoint image ids (`k·N + index`), so the
/// run's missing and duplicate ids are the sum of each worker's, provided every worker reported exactly once.
public enum LoadReportMerger {
    public static func merge(_ reports: [LoadReport], logs: [HistogramLogInterval] = []) throws(LoadGenError) -> LoadReport {
        guard let first = reports.first else { throw LoadGenError("nothing to merge: no reports", code: .invalidData) }
        let runIDs = Set(reports.map(\.runID))
        guard runIDs.count == 1 else {
            throw LoadGenError(
                "reports of different runs cannot be merged: \(runIDs.sorted().joined(separator: ", "))", code: .invalidData)
        }
        let workers = first.workers
        guard reports.allSatisfy({ $0.workers == workers }) else {
            throw LoadGenError(
                "reports of run \(first.runID) disagree on the number of workers: \(Set(reports.map(\.workers)).sorted())", code: .invalidData)
        }
        var byIndex: [Int: LoadReport] = [:]
        for report in reports {
            let indices = report.mergedWorkers ?? [report.workerIndex]
            for index in indices {
                guard (0..<workers).contains(index) else {
                    throw LoadGenError(
                        "report of run \(first.runID) names worker \(index), outside 0…\(workers - 1)", code: .invalidData)
                }
                guard byIndex[index] == nil else {
                    throw LoadGenError("worker \(index) of run \(first.runID) reported twice", code: .invalidData)
                }
                byIndex[index] = report
            }
        }
        let absent = (0..<workers).filter { byIndex[$0] == nil }
        guard absent.isEmpty else {
            throw LoadGenError(
                "run \(first.runID) had \(workers) workers but worker(s) \(absent.map(String.init).joined(separator: ", ")) did not report: their images cannot be verified",
                code: .invalidData)
        }

        let latency = try added(reports, { $0.latency }, name: "latency")
        let service = try added(reports, { $0.service }, name: "service")
        let lag = try added(reports, { $0.lag }, name: "lag")
        let measuresEndToEnd = reports.allSatisfy { $0.histograms?.e2e != nil }
        let endToEnd = measuresEndToEnd ? try added(reports, { $0.e2e ?? "" }, name: "e2e") : nil
        let verifies = reports.allSatisfy { $0.verify != nil }
        let startedAt = reports.map(\.startedAt).min() ?? first.startedAt
        let failures = reports.reduce(into: [String: UInt64]()) { all, report in
            all.merge(report.failures, uniquingKeysWith: +)
        }
        let delivered = reports.reduce(0) { $0 + $1.delivered }
        let bytes = reports.reduce(0) { $0 + $1.bytesDelivered }
        var merged = LoadReport(
            runID: first.runID, topic: Set(reports.map(\.topic)).sorted().joined(separator: ","), startedAt: startedAt,
            targetRate: reports.reduce(0) { $0 + $1.targetRate }, achievedRate: reports.reduce(0) { $0 + $1.achievedRate },
            sent: reports.reduce(0) { $0 + $1.sent }, delivered: delivered, failed: reports.reduce(0) { $0 + $1.failed },
            failures: failures, bytesDelivered: bytes, durationSeconds: reports.map(\.durationSeconds).max() ?? 0,
            elapsedSeconds: reports.map(\.elapsedSeconds).max() ?? 0, warmupSeconds: first.warmupSeconds,
            latencyMilliseconds: summary(latency), serviceTimeMilliseconds: summary(service),
            scheduleLagMilliseconds: LagSummary(lag), lateSends: reports.reduce(0) { $0 + $1.lateSends },
            interrupted: reports.contains(where: \.interrupted),
            verify: verifies ? VerifyReport(merging: reports.compactMap(\.verify)) : nil,
            endToEndLatencyMilliseconds: endToEnd.map(summary),
            endToEndReceived: measuresEndToEnd ? reports.reduce(0) { $0 + ($1.endToEndReceived ?? 0) } : nil,
            thresholds: [], image: first.image,
            librdkafka: Set(reports.map(\.librdkafka)).sorted().joined(separator: ","),
            system: Set(reports.map(\.system)).sorted().joined(separator: ","), workers: workers, workerIndex: 0,
            mergedWorkers: byIndex.keys.sorted(),
            histograms: EncodedHistograms(
                latency: latency.compressedBase64(), service: service.compressedBase64(), lag: lag.compressedBase64(),
                e2e: endToEnd?.compressedBase64()),
            seconds: nil,
            cpuSeconds: reports.allSatisfy { $0.cpuSeconds != nil } ? reports.reduce(0) { $0 + ($1.cpuSeconds ?? 0) } : nil)
        merged.image.meanBytes = delivered == 0 ? 0 : Double(bytes) / Double(delivered)
        if reports.allSatisfy({ $0.seconds != nil }) {
            merged.seconds = mergeSeconds(reports.compactMap(\.seconds), logs: logs)
        }
        return merged
    }

    /// Sums the per-second rows. Their latency columns cannot be combined exactly from percentiles: with the
    /// workers' histogram logs they are recomputed from the added interval histograms; without, each is the
    /// worst worker's figure (an upper bound).
    static func mergeSeconds(_ series: [[LoadSecond]], logs: [HistogramLogInterval]) -> [LoadSecond] {
        let length = series.map(\.count).max() ?? 0
        var merged = (0..<length).map { LoadSecond(second: $0) }
        for rows in series {
            for row in rows where row.second >= 0 && row.second < length {
                var target = merged[row.second]
                target.sent += row.sent
                target.delivered += row.delivered
                target.failed += row.failed
                target.latencyP50 = max(target.latencyP50, row.latencyP50)
                target.latencyP99 = max(target.latencyP99, row.latencyP99)
                target.latencyMax = max(target.latencyMax, row.latencyMax)
                target.lagP99 = max(target.lagP99, row.lagP99)
                if let e2e = row.endToEnd {
                    var combined = target.endToEnd ?? IntervalFigures(second: row.second, count: 0, p50: 0, p99: 0, max: 0)
                    combined.count += e2e.count
                    combined.p50 = max(combined.p50, e2e.p50)
                    combined.p99 = max(combined.p99, e2e.p99)
                    combined.max = max(combined.max, e2e.max)
                    target.endToEnd = combined
                }
                merged[row.second] = target
            }
        }
        for (second, tags) in HistogramLogMerger.perSecond(logs) where second < length {
            if let latency = tags["latency"] {
                merged[second].latencyP50 = milliseconds(latency.valueAtPercentile(50))
                merged[second].latencyP99 = milliseconds(latency.valueAtPercentile(99))
                merged[second].latencyMax = milliseconds(latency.totalCount == 0 ? 0 : latency.max)
            }
            if let e2e = tags["e2e"], merged[second].endToEnd != nil {
                let count = merged[second].endToEnd?.count ?? e2e.totalCount
                merged[second].endToEnd = IntervalFigures(second: second, e2e)
                merged[second].endToEnd?.count = count
            }
        }
        return merged
    }

    private static func added(
        _ reports: [LoadReport], _ field: (EncodedHistograms) -> String, name: String
    ) throws(LoadGenError) -> Histogram<UInt64> {
        var total = histogram()
        for report in reports {
            guard let histograms = report.histograms else {
                throw LoadGenError(
                    "report of worker \(report.workerIndex) carries no histograms (written by an older image-loadgen?)", code: .invalidData)
            }
            let decoded: Histogram<UInt64>
            do {
                decoded = try Histogram<UInt64>.decode(compressedBase64: Substring(field(histograms)))
            } catch {
                throw LoadGenError(
                    "report of worker \(report.workerIndex): \(name) histogram: \(error.reason)", code: .invalidData)
            }
            try HistogramLogMerger.add(decoded, to: &total)
        }
        return total
    }
}

extension VerifyReport {
    /// The verification of a whole run from its workers' (whose image ids never overlap).
    init(merging reports: [VerifyReport]) {
        self.init(
            consumed: reports.reduce(0) { $0 + $1.consumed }, missing: reports.reduce(0) { $0 + $1.missing },
            duplicates: reports.reduce(0) { $0 + $1.duplicates }, corrupt: reports.reduce(0) { $0 + $1.corrupt },
            missingSample: Array(reports.flatMap(\.missingSample).sorted().prefix(20)))
    }
}
