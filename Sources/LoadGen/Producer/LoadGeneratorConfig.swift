import Foundation
import Kafka

/// Everything one run needs.
public struct LoadGeneratorConfig: Sendable {
    public var topic: String
    /// The whole run's schedule; with several workers each sends its `share`.
    public var schedule: LoadSchedule
    /// Sends due before this offset are excluded from the statistics. Default: none.
    public var warmup: Duration = .zero
    public var source: ImageSource
    public var keyStrategy: KeyStrategy = .imageID
    /// This worker's share of a distributed run: image ids are `sequence × workers + workerIndex`.
    public var workers = 1
    public var workerIndex = 0
    /// librdkafka properties, `bootstrap.servers` included.
    public var properties: KafkaProperties
    public var verify = false
    /// Read this topic while producing and measure end-to-end latency from the `scheduled-at-us` header.
    public var observeTopic: String?
    /// How long to wait for outstanding acknowledgements after the last send. Default: 30 s.
    public var drainTimeout: Duration = .seconds(30)
    /// Shared by every worker of a distributed run, so their messages and reports belong together.
    /// Default: a new UUID.
    public var runID = UUID().uuidString.lowercased()
    /// When sending starts (a common instant for every worker). Default: at once.
    public var startAt: Date?
    /// Write an HdrHistogram interval log here. Default: none.
    public var histogramLog: String?
    /// What the report names as the system tested: `embedded` or the bootstrap servers. Default: the latter.
    public var system: String?

    public init(topic: String, schedule: LoadSchedule, source: ImageSource, properties: KafkaProperties) {
        self.topic = topic
        self.schedule = schedule
        self.source = source
        self.properties = properties
    }

    /// The image id of this worker's message `sequence`.
    public func imageID(ofSequence sequence: UInt64) -> UInt64 {
        sequence * UInt64(workers) + UInt64(workerIndex)
    }

    func sequence(ofImageID id: UInt64) -> UInt64? {
        guard id >= UInt64(workerIndex), (id - UInt64(workerIndex)) % UInt64(workers) == 0 else { return nil }
        return (id - UInt64(workerIndex)) / UInt64(workers)
    }
}
