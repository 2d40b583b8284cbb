import Foundation
import HTTP
import JPEG
import Kafka
import Logging
import ModelServing
import PipelineMessages
import Synchronization
import TestSupport

let quietLogger: Logger = {
    var logger = Logger(label: "stream-app-tests")
    logger.logLevel = .critical
    return logger
}()

/// An embedded cluster with the pipeline's three topics, and a local model server, both in this process.
struct PipelineFixture {
    let cluster: KafkaMockCluster
    let model: LocalModelServer
    let modelServer: EmbeddedHTTPServer
    let inputPartitions: Int
    let runID = UUID().uuidString

    static func start(inputPartitions: Int = 3, model configuration: LocalModelServerConfiguration = .init()) async throws
        -> PipelineFixture
    {
        let cluster = try KafkaMockCluster(brokers: 1, logger: quietLogger)
        try cluster.createTopic("images", partitions: inputPartitions)
        try cluster.createTopic("predictions", partitions: inputPartitions)
        try cluster.createTopic("images-dlq", partitions: 1)
        let model = LocalModelServer(configuration: configuration)
        let server = try await EmbeddedHTTPServer.start { await model.handle($0) }
        return PipelineFixture(cluster: cluster, model: model, modelServer: server, inputPartitions: inputPartitions)
    }

    var modelURL: String { modelServer.baseURL + "/v1/models/image-classifier:predict" }

    var properties: KafkaProperties {
        KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000"])
    }

    /// A reader of the outputs (predictions and dead letters) from the beginning.
    func outputReader() throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(properties: properties, logger: quietLogger)
        try consumer.assign(
            (0..<Int32(inputPartitions)).map { KafkaTopicPartitionOffset(topic: "predictions", partition: $0, offset: KafkaTopicPartitionOffset.beginning) }
                + [KafkaTopicPartitionOffset(topic: "images-dlq", partition: 0, offset: KafkaTopicPartitionOffset.beginning)])
        return consumer
    }

    /// The committed offsets of a group on the input topic.
    func committed(group: String) throws -> [Int32: Int64] {
        let consumer = try KafkaConsumer(properties: properties, groupID: group, logger: quietLogger)
        defer { consumer.close() }
        let offsets = try consumer.committed(
            (0..<Int32(inputPartitions)).map { KafkaTopicPartitionOffset(topic: "images", partition: $0, offset: 0) })
        return Dictionary(uniqueKeysWithValues: offsets.map { ($0.partition, $0.offset) })
    }

    func stop() async {
        await modelServer.stop()
    }
}

/// Writes test images as image-loadgen does: JPEG value, id as key, the contract's headers.
final class ImageWriter: Sendable {
    let producer: KafkaProducer
    let failures = Counter()
    let images = SyntheticImages(width: 48, height: 32, seed: 11)
    let runID: String

    init(_ fixture: PipelineFixture) throws {
        runID = fixture.runID
        let failures = self.failures
        producer = try KafkaProducer(properties: fixture.properties, logger: quietLogger) { report in
            if report.error != nil { failures.add() }
        }
    }

    /// The JPEG of image `id`.
    func jpeg(_ id: UInt64) throws -> Data {
        try JPEGEncoder(quality: 90).encode(images.image(id))
    }

    func send(id: UInt64, value: Data? = nil) throws {
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        try producer.send(
            KafkaOutgoingMessage(
                topic: "images", key: Data("\(id)".utf8), value: try value ?? jpeg(id),
                headers: [
                    KafkaHeader(ImageMessageHeaders.imageID, "\(id)"), KafkaHeader(ImageMessageHeaders.runID, runID),
                    KafkaHeader(ImageMessageHeaders.scheduledAt, "\(now)"), KafkaHeader(ImageMessageHeaders.sentAt, "\(now)"),
                    KafkaHeader(ImageMessageHeaders.contentType, ImageMessageHeaders.jpegContentType),
                ]),
            id: id)
    }

    func close() -> Int {
        producer.close()
        return failures.value
    }
}

/// What came out of the pipeline.
struct PipelineOutputs: Sendable {
    var predictions: [KafkaMessage] = []
    var deadLetters: [KafkaMessage] = []

    var count: Int { predictions.count + deadLetters.count }

    mutating func read(_ reader: KafkaConsumer, timeout: Duration = .milliseconds(100)) throws {
        guard let message = try reader.poll(timeout: timeout) else { return }
        if message.topic == "images-dlq" { deadLetters.append(message) } else { predictions.append(message) }
    }

    /// Reads until `condition` holds or `seconds` pass, off the cooperative pool.
    mutating func read(
        _ reader: KafkaConsumer, seconds: TimeInterval = 120, until condition: @escaping @Sendable (PipelineOutputs) -> Bool
    ) async throws {
        let start = self
        self = try await offThePool {
            var outputs = start
            let deadline = Date().addingTimeInterval(seconds)
            while !condition(outputs) && Date() < deadline {
                try outputs.read(reader)
            }
            return outputs
        }
    }

    func ids(_ messages: [KafkaMessage]) -> [String] {
        messages.map { $0.headers.string(named: ImageMessageHeaders.imageID) ?? "?" }
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)

    func add() { count.withLock { $0 += 1 } }

    var value: Int { count.withLock { $0 } }
}
