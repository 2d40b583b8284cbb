import Foundation
import Kafka
import Testing

struct KafkaPropertiesTests {
    @Test func keyValuePairsAndFilesAreParsed() throws {
        var properties = KafkaProperties()
        try properties.set(keyValue: "linger.ms=5")
        try properties.set(keyValue: " sasl.jaas.config = a=b=c ")
        #expect(properties["linger.ms"] == "5")
        #expect(properties["sasl.jaas.config"] == "a=b=c")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID()).properties")
        try "# Confluent Cloud\n\nsecurity.protocol=SASL_SSL\n! old style comment\nsasl.mechanisms=PLAIN\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try KafkaProperties.load(contentsOf: file.path)
        #expect(loaded.values == ["security.protocol": "SASL_SSL", "sasl.mechanisms": "PLAIN"])
    }

    @Test(arguments: ["linger.ms", "=5", ""])
    func malformedPairsAreRejected(pair: String) {
        var properties = KafkaProperties()
        #expect(throws: KafkaError.self) { try properties.set(keyValue: pair) }
    }

    @Test func malformedFileLineIsNamed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).properties")
        try "linger.ms=5\nthis line is wrong\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = try #require(throws: KafkaError.self) { try KafkaProperties.load(contentsOf: file.path) }
        #expect(error.reason.contains(":2:"))
    }

    @Test func secretsNeverShow() throws {
        let properties = KafkaProperties.confluentCloud(apiKey: "ABCDEFKEY", apiSecret: "s3cr3t-value")
        #expect(!properties.description.contains("s3cr3t-value"))
        #expect(properties.description.contains("sasl.username=ABCDEFKEY"))
        var bad = KafkaProperties()
        #expect(throws: KafkaError.self) { try bad.set(keyValue: "sasl.password") }
        do {
            try bad.set(keyValue: "sasl.password")
        } catch let error as KafkaError {
            #expect(!error.description.contains("password=") || error.description.contains("[redacted]"))
        }
    }

    @Test func unknownPropertyIsNamedByLibrdkafka() {
        let error = #expect(throws: KafkaError.self) {
            try KafkaProducer(
                properties: KafkaProperties(["no.such.property": "1"]), logger: quietLogger, onDelivery: { _ in })
        }
        #expect(error?.description.contains("no.such.property") == true)
    }

    @Test func versionWarnings() {
        let tested = KafkaLibrary.testedVersion
        #expect(KafkaLibrary.warnings(linked: tested, remoteCluster: false).isEmpty)
        #expect(KafkaLibrary.warnings(linked: KafkaVersion(major: 1, minor: 9, patch: 2), remoteCluster: false).count == 1)
        #expect(KafkaLibrary.warnings(linked: tested, remoteCluster: true).first?.contains("tagged fields") == true)
        // Against a remote cluster, anything before 2.11.1 is told what Kafka 4 brokers do to it.
        let kafka4 = KafkaLibrary.warnings(linked: KafkaVersion(major: 2, minor: 11, patch: 0), remoteCluster: true)
        #expect(kafka4.count == 1)
        #expect(kafka4.first?.contains("librdkafka 2.11.0 does not see the idempotent producer") == true)
        #expect(kafka4.first?.contains("KIP-896; librdkafka issue #4948, fixed in 2.11.1") == true)
        #expect(KafkaLibrary.warnings(linked: tested, remoteCluster: true).count == 2)
        #expect(KafkaLibrary.warnings(linked: KafkaVersion(major: 2, minor: 11, patch: 1), remoteCluster: true).isEmpty)
        #expect(KafkaLibrary.warnings(linked: KafkaVersion(major: 2, minor: 6, patch: 0), remoteCluster: false).isEmpty)
        #expect(KafkaLibrary.linkedVersion >= KafkaVersion(major: 2, minor: 0, patch: 0))
    }
}
