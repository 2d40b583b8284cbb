import Foundation
import Kafka
@testable import LoadGen
import Logging
import PipelineMessages
import TestSupport
import Testing

/// `search` against a pipeline with a known limit: a stand-in stream app that forwards each image to the
/// predictions topic at most `capacity` per second (like a model server of fixed latency behind bounded
/// concurrency). The rate found must pass again in a fixed-rate run, and 30% more must fail.
///
/// Above capacity a backlog grows, so a step of 8 s at rate r ends (r/C − 1)·8 s late: the 1 s limit is crossed at
/// 1.125·C. The steps (25, 50, 100, 200, 150, 125, then 100 again at a 25% resolution) stay far from that edge, so
/// a busy machine's latency spikes (a few hundred milliseconds) change no verdict.
@Suite(.timeLimit(.minutes(10)))
struct RateSearchPipelineTests {
    static let capacity = 100.0

    @Test func searchFindsTheLimitThatFixedRateRunsConfirm() async throws {
        // Minutes of blocking runs stay off Swift's cooperative pool, which other suites' servers need.
        let (result, confirms, higherPasses) = try await offThePool { try Self.searchAndConfirm() }
        let found = try #require(result.rate, "\(result.steps.map { ($0.rate, $0.passed) })")
        let firstFail = try #require(result.firstFailingRate)
        #expect(found >= 0.75 * Self.capacity && found <= 1.125 * Self.capacity, "\(result.steps.map { ($0.rate, $0.passed) })")
        #expect(firstFail <= 1.5 * Self.capacity && result.confirmed)
        #expect(result.steps.count <= 10)
        let steps = result.steps.map { "\($0.rate)/s \($0.passed ? "pass" : "fail") e2e p99 \($0.endToEndLatencyMilliseconds?.p99 ?? -1) ms" }
        #expect(confirms, "the rate found passes again: \(steps)")
        #expect(!higherPasses, "30% more fails: \(steps)")
    }

    /// The search, then fixed-rate runs at the rate found and 30% above it (whether each passed).
    static func searchAndConfirm() throws -> (RateSearchResult, Bool, Bool) {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("images", partitions: 2)
        try cluster.createTopic("predictions", partitions: 2)
        // Short fetch waits: the mock answers a fetch only when the wait runs out.
        let properties = KafkaProperties([
            "bootstrap.servers": cluster.bootstrapServers, "fetch.wait.max.ms": "10", "linger.ms": "1",
        ])
        let forwarder = try BoundedForwarder(properties: properties, capacity: Self.capacity)
        defer { forwarder.stop() }
        // The stand-in is ready once it has forwarded one image: its first fetch is not what gets measured.
        let ping = try KafkaProducer(properties: properties, logger: quiet) { _ in }
        try ping.send(KafkaOutgoingMessage(topic: "images", value: Data([0xFF, 0xD8])), id: 0)
        ping.close()
        guard eventually(timeout: 60, { forwarder.forwarded > 0 }) else { throw LoadGenError("the stand-in never forwarded") }

        let thresholds = try [Threshold(parsing: "e2e_p99<1s"), Threshold(parsing: "failed==0")]
        let supply = try ImageSupply(.synthetic(width: 16, height: 16, quality: 80, pool: 4, encoders: 1, seed: 1))
        func configuration(rate: Double, number: Int) -> LoadGeneratorConfig {
            var config = LoadGeneratorConfig(
                topic: "images", schedule: .constant(rate: rate, duration: .seconds(8), count: nil),
                source: .synthetic(width: 16, height: 16, quality: 80, pool: 4, encoders: 1, seed: 1), properties: properties)
            config.warmup = .seconds(1)
            config.observeTopic = "predictions"
            config.runID = "search-\(number)-\(UUID().uuidString.prefix(6))"
            return config
        }
        var search = RateSearch(startRate: 25, maximumSteps: 10, resolution: 0.25)
        try search.run(thresholds: thresholds, supply: supply, logger: quiet) { configuration(rate: $0, number: $1) }
        let result = search.result
        func fixedRun(_ rate: Double) throws -> Bool {
            var (report, _) = try LoadGenerator(config: configuration(rate: rate, number: 99), logger: quiet).run(supply: supply)
            report.thresholds = thresholds.map { $0.evaluate(report) }
            return RateSearch.Step(rate: rate, report: report).passed
        }
        guard let found = result.rate else { return (result, false, true) }
        return (result, try fixedRun(found), try fixedRun(found * 1.3))
    }
}

/// Reads images and writes one prediction per image, no faster than `capacity` per second, copying the headers
/// image-loadgen measures end-to-end latency from.
final class BoundedForwarder: Sendable {
    private let stopped = SharedState(false)
    private let count = SharedState<UInt64>(0)
    private let finished = DispatchSemaphore(value: 0)

    var forwarded: UInt64 { count.withLock { $0 } }

    init(properties: KafkaProperties, capacity: Double) throws {
        let consumer = try KafkaConsumer(properties: properties, logger: quiet)
        let producer = try KafkaProducer(properties: properties, logger: quiet) { _ in }
        let partitions = try consumer.metadata(topic: "images").topic(named: "images")?.partitions ?? []
        try consumer.assign(partitions.map { KafkaTopicPartitionOffset(topic: "images", partition: $0.id, offset: try consumer.watermarks(topic: "images", partition: $0.id).high) })
        let thread = Thread { [stopped, count, finished] in
            let interval = Duration.seconds(1 / capacity)
            var next = ContinuousClock.now
            while !stopped.withLock({ $0 }) {
                guard let image = try? consumer.poll(timeout: .milliseconds(50)) else { continue }
                // Slots are counted from the schedule, not from when a sleep happened to end, so a slow wake-up on a
                // busy machine does not lower the capacity; after an idle spell at most 100 ms of slots carry over.
                next = max(next + interval, .now - .milliseconds(100))
                let wait = next - .now
                if wait > .zero { usleep(UInt32(wait.microseconds)) }
                try? producer.send(
                    KafkaOutgoingMessage(
                        topic: "predictions", key: image.key, value: Data("{}".utf8),
                        headers: image.headers.filter { $0.name != ImageMessageHeaders.contentType }),
                    id: 0)
                count.withLock { $0 += 1 }
            }
            producer.close(timeout: .seconds(5))
            consumer.close()
            finished.signal()
        }
        thread.start()
    }

    func stop() {
        stopped.withLock { $0 = true }
        finished.wait()
    }
}
