/// Percentiles of one latency distribution, in milliseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double
    public var count: UInt64
}

/// Schedule lag: how late sends left compared with the open-loop schedule, in milliseconds.
public struct LagSummary: Codable, Sendable, Equatable {
    public var p50: Double
    public var p99: Double
    public var max: Double
}

/// What `--verify` found when it read the topic back during the run.
public struct VerifyReport: Codable, Sendable, Equatable {
    /// Messages of this run read back.
    public var consumed: UInt64
    /// Delivered image ids never read back.
    public var missing: UInt64
    /// Extra copies read back (an id read twice counts once here).
    public var duplicates: UInt64
    /// Messages that did not decode as JPEG.
    public var corrupt: UInt64
    /// Up to 20 missing ids, to start an investigation.
    public var missingSample: [UInt64]

    public var isClean: Bool { missing == 0 && duplicates == 0 && corrupt == 0 }

    enum CodingKeys: String, CodingKey {
        case consumed, missing, duplicates, corrupt
        case missingSample = "missing_sample"
    }
}

/// The outcome of a `--threshold` check.
public struct ThresholdResult: Codable, Sendable, Equatable {
    public var threshold: String
    public var actual: Double
    public var passed: Bool
}

/// Everything a run measured; `--report FILE.json` writes it as is.
public struct LoadReport: Codable, Sendable {
    public var runID: String
    public var topic: String
    public var startedAt: String
    /// Images per second asked for; 0 for as fast as possible.
    public var targetRate: Double
    /// Images per second sent during the measured window.
    public var achievedRate: Double
    public var sent: UInt64
    public var delivered: UInt64
    public var failed: UInt64
    /// Failures by librdkafka error name, such as `_MSG_TIMED_OUT`.
    public var failures: [String: UInt64]
    public var bytesDelivered: UInt64
    /// How long the sending lasted.
    public var durationSeconds: Double
    /// From the start to the last acknowledgement: sending plus draining.
    public var elapsedSeconds: Double
    public var warmupSeconds: Double
    /// From the intended send time to the broker's acknowledgement (coordinated-omission corrected).
    public var latencyMilliseconds: LatencySummary
    /// From the actual send to the acknowledgement, as librdkafka measured it.
    public var serviceTimeMilliseconds: LatencySummary
    public var scheduleLagMilliseconds: LagSummary
    /// Sends that left more than 1 ms after their intended time.
    public var lateSends: UInt64
    public var interrupted: Bool
    public var verify: VerifyReport?
    /// With `--observe-topic`: from the intended send time to the prediction's arrival.
    public var endToEndLatencyMilliseconds: LatencySummary?
    public var endToEndReceived: UInt64?
    public var thresholds: [ThresholdResult]
    public var image: ImageDescription
    public var librdkafka: String
    /// The Kafka cluster tested: `embedded` (an in-process cluster this run started) or the bootstrap servers.
    public var system: String = "embedded"
    /// This worker's place in a distributed run (0 of 1 alone), and whether this report combines several.
    public var workers: Int = 1
    public var workerIndex: Int = 0
    public var mergedWorkers: [Int]?
    /// The accumulated histograms, for `image-loadgen merge`.
    public var histograms: EncodedHistograms?
    /// The per-second rows (what `--timeseries` writes), for `image-loadgen merge`.
    public var seconds: [LoadSecond]?
    /// CPU time (user and system) the load generator's process used, for CPU per image.
    public var cpuSeconds: Double?

    public struct ImageDescription: Codable, Sendable {
        public var source: String
        public var width: Int?
        public var height: Int?
        public var quality: Int?
        public var meanBytes: Double

        enum CodingKeys: String, CodingKey {
            case source, width, height, quality
            case meanBytes = "mean_bytes"
        }
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case topic
        case startedAt = "started_at"
        case targetRate = "target_rate"
        case achievedRate = "achieved_rate"
        case sent, delivered, failed, failures
        case bytesDelivered = "bytes_delivered"
        case durationSeconds = "duration_s"
        case elapsedSeconds = "elapsed_s"
        case warmupSeconds = "warmup_s"
        case latencyMilliseconds = "latency_ms"
        case serviceTimeMilliseconds = "service_time_ms"
        case scheduleLagMilliseconds = "schedule_lag_ms"
        case lateSends = "late_sends"
        case interrupted, verify
        case endToEndLatencyMilliseconds = "e2e_latency_ms"
        case endToEndReceived = "e2e_received"
        case thresholds, image, librdkafka, system, workers
        case workerIndex = "worker_index"
        case mergedWorkers = "merged_workers"
        case histograms, seconds
        case cpuSeconds = "cpu_s"
    }

    public var thresholdsPassed: Bool { thresholds.allSatisfy(\.passed) }
}

/// One row of `--timeseries`: what happened in one second of the run.
public struct LoadSecond: Sendable, Equatable, Codable {
    public var second: Int
    public var sent: UInt64 = 0
    public var delivered: UInt64 = 0
    public var failed: UInt64 = 0
    public var latencyP50: Double = 0
    public var latencyP99: Double = 0
    public var latencyMax: Double = 0
    public var lagP99: Double = 0
    /// Predictions received in this second and their end-to-end latency (nil without `--observe-topic`).
    public var endToEnd: IntervalFigures?

    public init(
        second: Int, sent: UInt64 = 0, delivered: UInt64 = 0, failed: UInt64 = 0, latencyP50: Double = 0,
        latencyP99: Double = 0, latencyMax: Double = 0, lagP99: Double = 0, endToEnd: IntervalFigures? = nil
    ) {
        self.second = second
        self.sent = sent
        self.delivered = delivered
        self.failed = failed
        self.latencyP50 = latencyP50
        self.latencyP99 = latencyP99
        self.latencyMax = latencyMax
        self.lagP99 = lagP99
        self.endToEnd = endToEnd
    }

    enum CodingKeys: String, CodingKey {
        case second, sent, delivered, failed
        case latencyP50 = "latency_p50_ms"
        case latencyP99 = "latency_p99_ms"
        case latencyMax = "latency_max_ms"
        case lagP99 = "schedule_lag_p99_ms"
        case endToEnd = "e2e"
    }
}

/// A run's accumulated histograms in HdrHistogram's compressed encoding (base64), so that reports of several
/// workers combine exactly: percentiles of the added histograms, never averages of percentiles.
public struct EncodedHistograms: Codable, Sendable, Equatable {
    public var latency: String
    public var service: String
    public var lag: String
    public var e2e: String?
}
