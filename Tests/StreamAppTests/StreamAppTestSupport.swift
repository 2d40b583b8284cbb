import Foundation
import HTTP
import JPEG
import Kafka
import Logging
import ModelServing
import StreamApp
import PipelineMessages
import Synchronization
import TestSupport

let quietLogger: Logger = {
    var logger = Logger(label: "stream-app-tests")
    logger.logLevel = ProcessInfo.processInfo.environment["STREAM_APP_TESTS_VERBOSE"] != nil ? .info : .critical
    return logger
}()

/// An embedded cluster with the pipeline's three topics, and a local model server, both in this process.
struct PipelineFixture {
    let cluster: KafkaMockCluster
    let model: LocalModelServer
    let modelServer: EmbeddedHTTPServer
    let inputPartitions: Int
    let runID = UUID().uuidString

    /// `intercept` stands in for a misbehaving model: an answer it gives replaces the local model server's.
    static func start(
        inputPartitions: Int = 3, model configuration: LocalModelServerConfiguration = .init(),
        intercept: (@Sendable (ServerRequest) async -> ServerResponse?)? = nil
    ) async throws -> PipelineFixture {
        let cluster = try KafkaMockCluster(brokers: 1, logger: quietLogger)
        try cluster.createTopic("images", partitions: inputPartitions)
        try cluster.createTopic("predictions", partitions: inputPartitions)
        try cluster.createTopic("images-dlq", partitions: 1)
        let model = LocalModelServer(configuration: configuration)
        let server = try await EmbeddedHTTPServer.start { request in
            if let intercept, let answer = await intercept(request) { return answer }
            return await model.handle(request)
        }
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

/// An engine against the fixture, running, with short intervals so tests do not wait on defaults.
func makeEngine(
    _ fixture: PipelineFixture, group: String, concurrency: Int, buffer: Int? = nil, batchSize: Int = 1,
    configure: (inout StreamAppConfiguration) -> Void = { _ in }
) throws -> (StreamAppEngine, Task<Void, any Error>) {
    var configuration = StreamAppConfiguration(kafkaProperties: fixture.properties)
    configuration.groupID = group
    configuration.concurrency = concurrency
    configuration.batchSize = batchSize
    configuration.maxBufferedMessages = buffer
    configuration.lagInterval = .milliseconds(200)
    configuration.modelCheckInterval = .milliseconds(200)
    configuration.commitInterval = .milliseconds(200)
    configure(&configuration)
    let backend = try TFServingBackend(predictURL: fixture.modelURL, client: HTTPClient())
    let engine = try StreamAppEngine(configuration: configuration, backend: backend, logger: quietLogger)
    return (engine, Task { try await engine.run() })
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

/// A switch a test flips while a stand-in model reads it.
final class Flag: Sendable {
    private let state: Mutex<Bool>

    init(_ value: Bool) { state = Mutex(value) }

    var value: Bool {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

extension ServerRequest {
    /// Whether this predict request carries `jpeg` among its instances.
    func carries(_ jpeg: Data) -> Bool {
        path.hasSuffix(":predict") && String(decoding: body, as: UTF8.self).contains(jpeg.base64EncodedString())
    }
}

/// GETs `url` until it answers `status` (or about 20 s pass); returns the last status seen.
func awaitStatus(_ status: Int, at url: String) async throws -> Int {
    let client = HTTPClient()
    var seen = 0
    for _ in 0..<400 where seen != status {
        // Not listening yet counts as not there yet.
        seen = (try? await client.send(HTTPRequest(.get, url), retry: RetryPolicy(maxAttempts: 1)))?.status ?? 0
        if seen != status { try await Task.sleep(for: .milliseconds(50)) }
    }
    return seen
}
