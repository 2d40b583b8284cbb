import Foundation
import Synchronization

/// The stream app's counters, rendered in Prometheus' text format for `/metrics`.
public final class StreamAppMetrics: Sendable {
    /// Upper bounds of the model latency histogram, in seconds.
    public static let latencyBuckets: [Double] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]

    public struct Snapshot: Sendable {
        public var consumed = 0
        /// Predictions acknowledged by Kafka.
        public var produced = 0
        /// Dead letters acknowledged by Kafka.
        public var deadLettered = 0
        /// Model calls tried again after a retriable error.
        public var retries = 0
        /// Messages whose work was dropped uncommitted (partition revoked, rewound, or drain timeout); they are
        /// processed again by the partition's next owner.
        public var abandoned = 0
        /// Read, not yet acknowledged downstream.
        public var inFlight = 0
        /// The most messages ever held at once: stays near the buffer bound however fast the input.
        public var inFlightHighWater = 0
        /// Times consumption paused because the buffer was full.
        public var pauses = 0
        /// Calls to the model in progress.
        public var predicting = 0
        /// Model requests sent, and the images they carried (their ratio is the mean batch size).
        public var modelRequests = 0
        public var modelInstances = 0
        /// Whether a systemic model failure holds consumption (credentials, model missing, outage).
        public var systemicFailure = false
        /// Times the model went systemic or recovered.
        public var systemicChanges = 0
        /// Offset commits the coordinator confirmed, and those it refused (retried at the next interval).
        public var commits = 0
        public var commitFailures = 0
        /// Age of the oldest message read and not yet acknowledged, in seconds; 0 when none is.
        public var oldestInFlightSeconds = 0.0
        public var latencyBucketCounts = [Int](repeating: 0, count: StreamAppMetrics.latencyBuckets.count)
        public var latencyCount = 0
        public var latencySum = 0.0
        /// Consumer lag by "topic/partition": high watermark minus committed offset.
        public var lag: [PartitionLag] = []
    }

    public struct PartitionLag: Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        public var lag: Int64
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }

    func observeModelLatency(seconds: Double) {
        state.withLock { snapshot in
            snapshot.latencyCount += 1
            snapshot.latencySum += seconds
            if let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 }) {
                snapshot.latencyBucketCounts[bucket] += 1
            }
        }
    }

    /// Prometheus text exposition format 0.0.4.
    public func prometheusText() -> String {
        let snapshot = self.snapshot
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name)\(sample.labels) \(sample.value)") }
        }
        metric("inference_app_consumed_total", "counter", "Image messages read from the input topic.", [("", "\(snapshot.consumed)")])
        metric("inference_app_produced_total", "counter", "Predictions acknowledged by Kafka.", [("", "\(snapshot.produced)")])
        metric("inference_app_dead_lettered_total", "counter", "Dead letters acknowledged by Kafka.", [("", "\(snapshot.deadLettered)")])
        metric("inference_app_model_retries_total", "counter", "Model calls retried after a retriable error.", [("", "\(snapshot.retries)")])
        metric(
            "inference_app_abandoned_total", "counter", "Messages dropped uncommitted, to be redone by the partition's next owner.",
            [("", "\(snapshot.abandoned)")])
        metric(
            "inference_app_consumer_pauses_total", "counter", "Times consumption paused because the buffer was full.",
            [("", "\(snapshot.pauses)")])
        metric("inference_app_in_flight", "gauge", "Messages read and not yet acknowledged downstream.", [("", "\(snapshot.inFlight)")])
        metric("inference_app_model_requests_in_flight", "gauge", "Calls to the model in progress.", [("", "\(snapshot.predicting)")])
        metric("inference_app_model_requests_total", "counter", "Model requests sent.", [("", "\(snapshot.modelRequests)")])
        metric(
            "inference_app_model_instances_total", "counter", "Images sent in model requests (over requests: the batch size).",
            [("", "\(snapshot.modelInstances)")])
        metric(
            "inference_app_model_systemic_failure", "gauge",
            "1 while a systemic model failure pauses consumption (nothing is dead-lettered meanwhile).",
            [("", snapshot.systemicFailure ? "1" : "0")])
        metric(
            "inference_app_model_systemic_changes_total", "counter", "Times a systemic model failure began or ended.",
            [("", "\(snapshot.systemicChanges)")])
        metric("inference_app_commits_total", "counter", "Offset commits the group coordinator confirmed.", [("", "\(snapshot.commits)")])
        metric(
            "inference_app_commit_failures_total", "counter", "Offset commits that failed (retried at the next interval).",
            [("", "\(snapshot.commitFailures)")])
        metric(
            "inference_app_oldest_in_flight_age_seconds", "gauge", "Age of the oldest message read and not yet acknowledged.",
            [("", "\(snapshot.oldestInFlightSeconds)")])
        var cumulative = 0
        var buckets: [(labels: String, value: String)] = []
        for (bound, count) in zip(Self.latencyBuckets, snapshot.latencyBucketCounts) {
            cumulative += count
            buckets.append(("{le=\"\(bound)\"}", "\(cumulative)"))
        }
        buckets.append(("{le=\"+Inf\"}", "\(snapshot.latencyCount)"))
        lines.append("# HELP inference_app_model_latency_seconds Duration of successful model calls.")
        lines.append("# TYPE inference_app_model_latency_seconds histogram")
        for bucket in buckets { lines.append("inference_app_model_latency_seconds_bucket\(bucket.labels) \(bucket.value)") }
        lines.append("inference_app_model_latency_seconds_sum \(snapshot.latencySum)")
        lines.append("inference_app_model_latency_seconds_count \(snapshot.latencyCount)")
        metric(
            "inference_app_consumer_lag", "gauge", "High watermark minus committed offset, per input partition.",
            snapshot.lag.map { ("{topic=\"\($0.topic)\",partition=\"\($0.partition)\"}", "\($0.lag)") })
        return lines.joined(separator: "\n") + "\n"
    }
}
