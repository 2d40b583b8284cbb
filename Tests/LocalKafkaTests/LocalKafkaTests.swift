import Foundation
import Kafka
import Logging
import Synchronization
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(2)))
struct LocalKafkaTests {
    @Test func servesAProducerAndConsumerInAnotherProcess() throws {
        let bootstrapFile = FileManager.default.temporaryDirectory.appendingPathComponent("bootstrap-\(UUID())").path
        let cluster = try BuiltProduct.start(
            "local-kafka", ["--brokers", "2", "--topic", "images:2", "--bootstrap-file", bootstrapFile, "--log-level", "warning"])
        #expect(eventually { FileManager.default.fileExists(atPath: bootstrapFile) })
        let bootstrap = try String(contentsOfFile: bootstrapFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(bootstrap.split(separator: ",").count == 2)

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let failures = Mutex(0)
        let producer = try KafkaProducer(
            properties: KafkaProperties(["bootstrap.servers": bootstrap]), logger: logger,
            onDelivery: { report in if report.error != nil { failures.withLock { $0 += 1 } } })
        for index in 0..<100 {
            try producer.send(KafkaOutgoingMessage(topic: "images", key: Data("\(index)".utf8), value: Data("image \(index)".utf8)), id: UInt64(index))
        }
        producer.close()
        #expect(failures.withLock { $0 } == 0)

        let consumer = try KafkaConsumer(properties: KafkaProperties(["bootstrap.servers": bootstrap]), logger: logger)
        try consumer.assign((0..<2).map { KafkaTopicPartitionOffset(topic: "images", partition: $0, offset: KafkaTopicPartitionOffset.beginning) })
        var values = Set<String>()
        _ = try eventually {
            if let message = try consumer.poll(timeout: .milliseconds(100)) {
                values.insert(String(decoding: message.value, as: UTF8.self))
            }
            return values.count == 100
        }
        #expect(try consumer.metadata(topic: "images").topic(named: "images")?.partitions.count == 2)
        consumer.close()
        #expect(values == Set((0..<100).map { "image \($0)" }))

        cluster.signal(SIGTERM)
        let result = cluster.finish()
        #expect(result.status == 0)
        #expect(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == bootstrap)
        #expect(!FileManager.default.fileExists(atPath: bootstrapFile), "the file goes away with the cluster")
    }

    @Test(arguments: [
        (["--brokers", "0"], "--brokers"),
        (["--topic", "bad topic"], "--topic"),
        (["--topic", "images:0"], "--topic"),
        (["--brokers", "1", "--replication-factor", "2"], "--replication-factor"),
        (["--config", "/no/such/file.yaml"], "/no/such/file.yaml"),
    ])
    func badArgumentsGiveAClearErrorAndNonZeroExit(arguments: [String], mentions: String) throws {
        let result = try BuiltProduct.run("local-kafka", arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(mentions))
        #expect(!result.standardError.contains("Fatal error"))
    }

    @Test func helpTeaches() throws {
        let result = try BuiltProduct.run("local-kafka", ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("--bootstrap-file"))
        #expect(result.standardOutput.contains("Examples:"))
    }
}
