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
