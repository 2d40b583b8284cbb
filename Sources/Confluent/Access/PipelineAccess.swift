import PipelineConfig

/// The least privilege each program of the pipeline needs on the cluster, from the pipeline configuration.
/// Each program gets its own service account, so an ACL names exactly one program.
public struct PipelineAccess: Sendable, Equatable {
    public struct Program: Sendable, Equatable {
        /// `inference-app` or `image-loadgen`; names the env file too.
        public var name: String
        /// The service account's display name: `<cluster name>-<program>`.
        public var serviceAccountName: String
        public var purpose: String
        /// What the program does on the cluster, as (operation, resource type, name, pattern).
        public var grants: [(operation: String, resourceType: String, resourceName: String, patternType: String)]

        public static func == (lhs: Program, rhs: Program) -> Bool {
            lhs.name == rhs.name && lhs.serviceAccountName == rhs.serviceAccountName
                && lhs.acls(principal: "User:x") == rhs.acls(principal: "User:x")
        }

        /// The ACLs for the program's service account (`User:sa-…` in Confluent Cloud), sorted.
        public func acls(principal: String) -> [KafkaACL] {
            grants.map {
                KafkaACL(
                    principal: principal, operation: $0.operation, resourceType: $0.resourceType,
                    resourceName: $0.resourceName, patternType: $0.patternType)
            }.sorted()
        }
    }

    /// Consumers that never commit (image-loadgen's delivery check and --observe-topic reader) take a group id
    /// starting with this (see `KafkaConsumer`).
    public static let readerGroupPrefix = "image-pipeline-reader-"

    public var programs: [Program]

    public init(_ configuration: PipelineConfiguration) {
        let app = configuration.streamApp
        let cluster = configuration.kafka.cluster.name
        programs = [
            Program(
                name: "inference-app", serviceAccountName: "\(cluster)-inference-app",
                purpose: "reads \(app.inputTopic), writes \(app.outputTopic) and \(app.deadLetterTopic), commits as group \(app.groupID)",
                grants: [
                    ("READ", "TOPIC", app.inputTopic, "LITERAL"),
                    ("WRITE", "TOPIC", app.outputTopic, "LITERAL"),
                    ("WRITE", "TOPIC", app.deadLetterTopic, "LITERAL"),
                    ("READ", "GROUP", app.groupID, "LITERAL"),
                ]),
            Program(
                name: "image-loadgen", serviceAccountName: "\(cluster)-image-loadgen",
                purpose: "writes \(configuration.load.topic), reads \(app.outputTopic) for --observe-topic and its own delivery check",
                grants: [
                    ("WRITE", "TOPIC", configuration.load.topic, "LITERAL"),
                    ("READ", "TOPIC", configuration.load.topic, "LITERAL"),
                    ("READ", "TOPIC", app.outputTopic, "LITERAL"),
                    ("READ", "GROUP", Self.readerGroupPrefix, "PREFIXED"),
                ]),
        ]
    }
}
