import Foundation
import Logging
import Synchronization

/// Facts about the linked librdkafka, and the warnings this project owes its users about it.
public enum KafkaLibrary {
    /// The oldest librdkafka this project is built and tested with: Debian 12's package. `make test-librdkafka-current`
    /// runs the same tests on Debian's current one.
    public static let testedVersion = KafkaVersion(major: 2, minor: 0, patch: 2)

    /// The first librdkafka that keeps its features on against brokers that dropped old RPC versions.
    public static let kip896FixedVersion = KafkaVersion(major: 2, minor: 11, patch: 1)

    /// The version linked at run time, which may be newer than the headers this was built against.
    public static var linkedVersion: KafkaVersion {
        RDKafkaVersion.linked
    }

    public static var linkedVersionString: String {
        RDKafkaVersion.linkedString
    }

    /// The start-up warnings for the linked library, if any.
    ///
    /// - An older librdkafka than the tested one is unsupported.
    /// - The 2.0 series mis-parses tagged fields in some responses of newer brokers (Kafka 3.x, Confluent Cloud).
    /// - Before 2.11.1, librdkafka matched single RPC versions when it enabled features, so on brokers that removed
    ///   old versions (Apache Kafka 4, KIP-896) it misses the idempotent producer, among others (librdkafka #4948).
    ///
    /// The last two matter only for a remote cluster, not for the embedded one, which is librdkafka itself.
    public static func warnings(linked: KafkaVersion = linkedVersion, remoteCluster: Bool) -> [String] {
        var warnings: [String] = []
        if linked < testedVersion {
            warnings.append(
                "librdkafka \(linked) is older than \(testedVersion), the oldest version this tool is tested with; "
                    + "upgrade it")
        }
        if remoteCluster && linked < KafkaVersion(major: 2, minor: 1, patch: 0) {
            warnings.append(
                "librdkafka \(linked) can mis-parse tagged fields sent by some newer brokers; if you see protocol "
                    + "or parse errors, install a newer librdkafka (this tool needs no rebuild for that)")
        }
        if remoteCluster && linked < kip896FixedVersion {
            warnings.append(
                "librdkafka \(linked) does not see the idempotent producer and other features on brokers that no "
                    + "longer accept old request versions, as Apache Kafka 4 does (KIP-896; librdkafka issue #4948, "
                    + "fixed in \(kip896FixedVersion)), so idempotent producers (the default here) fail against "
                    + "them: install librdkafka \(kip896FixedVersion) or newer, or run the container image, which has it")
        }
        return warnings
    }

    private static let warned = Mutex(false)

    /// Logs the warnings once per process.
    static func warnIfUntested(properties: KafkaProperties, logger: Logger) {
        guard warned.withLock({ done in defer { done = true }; return !done }) else { return }
        let bootstrap = properties["bootstrap.servers"] ?? properties["metadata.broker.list"] ?? ""
        let remote = !bootstrap.isEmpty && !bootstrap.split(separator: ",").allSatisfy { Self.isLoopbackBroker(String($0)) }
        for warning in warnings(remoteCluster: remote) {
            logger.warning("\(warning)", metadata: [KafkaLoggingKeys.librdkafkaVersion: "\(linkedVersionString)"])
        }
    }

    /// Whether a `bootstrap.servers` entry (`host:port`, `[::1]:9092`, `SASL_SSL://host:port`) names this machine.
    /// The host rule is HTTP's `HTTPClient.isLoopback`; this one first takes the host out of a broker string.
    static func isLoopbackBroker(_ broker: String) -> Bool {
        var host = broker.trimmingCharacters(in: .whitespaces).lowercased()
        if let scheme = host.range(of: "://") { host = String(host[scheme.upperBound...]) }
        if host.hasPrefix("[") { return host.hasPrefix("[::1]") }
        host = String(host.split(separator: ":").first ?? "")
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return host == "localhost" || (octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127")
    }
}
