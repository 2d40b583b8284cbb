import CheckedNumbers
import Foundation
import PipelineConfig

/// A service-level check on a finished run, such as `p99<50ms`, `rate>=990`, `failed==0` or `e2e_p99<200ms`;
/// a failed check turns into a non-zero exit code for CI.
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    public enum Comparison: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", less = "<", greater = ">"

        func holds(_ actual: Double, _ limit: Double) -> Bool {
            switch self {
            case .less: actual < limit
            case .lessOrEqual: actual <= limit
            case .greater: actual > limit
            case .greaterOrEqual: actual >= limit
            case .equal: actual == limit
            }
        }
    }

    public let metric: String
    public let comparison: Comparison
    /// Milliseconds for latency metrics, plain numbers otherwise.
    public let limit: Double
    public let text: String

    /// Latency metrics take a duration (`50ms`, `1s`); counts and rates take a number.
    static let latencyMetrics: [String: @Sendable (LoadReport) -> Double?] = [
        "p50": { $0.latencyMilliseconds.p50 }, "p90": { $0.latencyMilliseconds.p90 },
        "p99": { $0.latencyMilliseconds.p99 }, "p999": { $0.latencyMilliseconds.p999 },
        "max": { $0.latencyMilliseconds.max },
        "service_p50": { $0.serviceTimeMilliseconds.p50 }, "service_p99": { $0.serviceTimeMilliseconds.p99 },
        "service_max": { $0.serviceTimeMilliseconds.max },
        "lag_p99": { $0.scheduleLagMilliseconds.p99 }, "lag_max": { $0.scheduleLagMilliseconds.max },
        "e2e_p50": { $0.endToEndLatencyMilliseconds?.p50 }, "e2e_p99": { $0.endToEndLatencyMilliseconds?.p99 },
        "e2e_max": { $0.endToEndLatencyMilliseconds?.max },
    ]

    static let countMetrics: [String: @Sendable (LoadReport) -> Double?] = [
        "rate": { $0.achievedRate }, "sent": { Double($0.sent) }, "delivered": { Double($0.delivered) },
        "failed": { Double($0.failed) }, "errors": { Double($0.failed) }, "late_sends": { Double($0.lateSends) },
        "missing": { $0.verify.map { Double($0.missing) } }, "duplicates": { $0.verify.map { Double($0.duplicates) } },
        "corrupt": { $0.verify.map { Double($0.corrupt) } }, "e2e_received": { $0.endToEndReceived.map { Double($0) } },
    ]

    public init(parsing text: String) throws(LoadGenError) {
        let compact = text.filter { !$0.isWhitespace }
        guard let comparison = Comparison.allCases.first(where: { compact.contains($0.rawValue) }),
            let range = compact.range(of: comparison.rawValue)
        else {
            throw LoadGenError("threshold '\(text)' needs a comparison: <, <=, >, >= or == (for example p99<50ms)")
        }
        let metric = String(compact[..<range.lowerBound]).lowercased()
        let value = String(compact[range.upperBound...])
        if Self.latencyMetrics[metric] != nil {
            do {
                limit = try parseDuration(value).secondsValue * 1000
            } catch {
                throw LoadGenError("threshold '\(text)': \(error) (latency limits need a unit, for example 50ms)")
            }
        } else if Self.countMetrics[metric] != nil {
            guard let number = Double(value), number.isFinite else {
                throw LoadGenError("threshold '\(text)': '\(value)' is not a number")
            }
            limit = number
        } else {
            let known = (Self.latencyMetrics.keys.sorted() + Self.countMetrics.keys.sorted()).joined(separator: ", ")
            throw LoadGenError("threshold '\(text)': unknown metric '\(metric)' (known: \(known))")
        }
        self.metric = metric
        self.comparison = comparison
        self.text = text
    }

    /// The check against a report; a metric the run did not measure (e2e without --observe-topic) fails.
    public func evaluate(_ report: LoadReport) -> ThresholdResult {
        let actual = (Self.latencyMetrics[metric] ?? Self.countMetrics[metric])?(report)
        return ThresholdResult(
            threshold: text, actual: actual ?? .nan, passed: actual.map { comparison.holds($0, limit) } ?? false)
    }

    public var description: String { text }
}
