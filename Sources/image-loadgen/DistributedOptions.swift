import ArgumentParser
import CommandSupport
import Foundation

/// How the workers of one distributed run find each other: a shared run id, a common start, the report topic,
/// and whether a missing broker list is an error.
struct DistributedOptions: ParsableArguments {
    static let runIDVariable = "IMAGE_LOADGEN_RUN_ID"
    static let requireBrokersVariable = "IMAGE_LOADGEN_REQUIRE_BROKERS"

    @Option(help: ArgumentHelp("The run id every worker of a distributed run shares. Default: $\(runIDVariable) (the manifests set it from the Job), else a new UUID.", valueName: "id"))
    var runID: String?

    @Option(help: ArgumentHelp("Start sending at this instant: ISO 8601 (2026-11-29T15:00:00Z) or seconds since the epoch.", valueName: "time"))
    var startAt: String?

    @Flag(help: "Wait until all --workers have announced themselves on the report topic, then start together.")
    var barrier = false

    @Option(help: ArgumentHelp("Give up on --barrier after this long.", valueName: "duration"))
    var barrierTimeout = "5m"

    @Option(help: ArgumentHelp("Publish the final report (with its histograms) to this topic, keyed <run id>/<worker index>. Default: load.report_topic when --workers is above 1.", valueName: "topic"))
    var reportTopic: String?

    @Flag(help: "Worker 0 waits for every worker's report on the report topic and prints (and writes with --merged-report) the combined report.")
    var merge = false

    @Option(help: ArgumentHelp("With --merge: write the combined JSON report here.", valueName: "file.json"))
    var mergedReport: String?

    @Flag(help: ArgumentHelp("Fail when no brokers are configured instead of testing an embedded cluster (also $\(requireBrokersVariable)=1), for CI."))
    var requireBrokers = false

    func validate() throws {
        if barrier && startAt != nil { throw ValidationError("Please pass either --barrier or --start-at, not both.") }
        if let runID { try Self.checkRunID(runID, source: "--run-id") }
        if startAt != nil { _ = try resolvedStartAt() }
        _ = try resolvedBarrierTimeout()
    }

    func resolvedBarrierTimeout() throws -> Duration {
        try parseDuration(barrierTimeout, flag: "--barrier-timeout")
    }

    func resolvedRunID(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let runID { return runID }
        if let fromEnvironment = environment[Self.runIDVariable], !fromEnvironment.isEmpty {
            try Self.checkRunID(fromEnvironment, source: Self.runIDVariable)
            return fromEnvironment
        }
        return UUID().uuidString.lowercased()
    }

    /// Run ids end up in Kafka keys and headers: printable, no '/', which separates a key's parts.
    static func checkRunID(_ id: String, source: String) throws {
        guard !id.isEmpty, id.count <= 128, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        else {
            throw ValidationError("Please pass \(source) of 1 to 128 letters, digits, '-', '_', '.' or ':'; got '\(id)'.")
        }
    }

    func resolvedStartAt() throws -> Date? {
        guard let startAt else { return nil }
        if let seconds = Double(startAt), seconds.isFinite, seconds > 0, seconds < 4_102_444_800 {
            return Date(timeIntervalSince1970: seconds)
        }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: startAt) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        if let date = formatter.date(from: startAt) { return date }
        throw ValidationError("Please pass --start-at as ISO 8601 (2026-11-29T15:00:00Z) or seconds since the epoch; got '\(startAt)'.")
    }

    func checkBrokers(embedded: Bool) throws {
        try Self.checkBrokers(requested: requireBrokers, embedded: embedded)
    }

    /// With --require-brokers or the environment variable, a missing broker list is an error, not an embedded run.
    static func checkBrokers(
        requested: Bool, embedded: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let required = requested || ["1", "true", "yes"].contains(environment[requireBrokersVariable]?.lowercased() ?? "")
        if required && embedded {
            throw ValidationError(
                "No Kafka brokers configured and --require-brokers (or \(requireBrokersVariable)) is set: pass --bootstrap-servers or set KAFKA_BOOTSTRAP_SERVERS.")
        }
    }
}
