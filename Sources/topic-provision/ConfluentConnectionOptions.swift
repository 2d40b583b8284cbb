import ArgumentParser
import Confluent
import Foundation
import HTTP
import Logging
import PipelineConfig

/// Where the cluster's REST API is and which keys open it. Flags win over the environment, which wins over the
/// configuration. Variable names are those of Terraform's Confluent provider.
struct ConfluentConnectionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The cluster's REST endpoint, https://pkc-….confluent.cloud:443. Default: $KAFKA_REST_ENDPOINT, then "
                + "kafka.rest_endpoint, then a cmk/v2 lookup.", valueName: "url"))
    var restEndpoint: String?

    @Option(
        name: .customLong("cluster-id"),
        help: ArgumentHelp("The Kafka cluster id, lkc-…. Default: $KAFKA_ID, then kafka.cluster_id.", valueName: "id"))
    var clusterID: String?

    @Option(
        help: ArgumentHelp(
            "The environment id, env-…, to look the REST endpoint up with a Cloud API key. Default: "
                + "$CONFLUENT_ENVIRONMENT_ID, then kafka.environment.", valueName: "id"))
    var environment: String?

    @Option(help: ArgumentHelp("The Confluent Cloud API root for the cmk/v2 lookup.", valueName: "url"))
    var cloudAPIRoot = ConfluentCloudClient.defaultAPIRoot

    static let endpointVariable = "KAFKA_REST_ENDPOINT"
    static let clusterVariable = "KAFKA_ID"
    static let apiKeyVariable = "KAFKA_API_KEY"
    static let apiSecretVariable = "KAFKA_API_SECRET"
    static let cloudKeyVariable = "CONFLUENT_CLOUD_API_KEY"
    static let cloudSecretVariable = "CONFLUENT_CLOUD_API_SECRET"
    static let environmentVariable = "CONFLUENT_ENVIRONMENT_ID"

    /// Checks every input before any request, then looks the endpoint up if it has to.
    func connect(
        settings: KafkaSettings, logger: Logger, logLevel: Logger.Level,
        environment variables: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> KafkaRestClient {
        func value(_ flag: String?, _ variable: String, _ configured: String?) -> String? {
            [flag, variables[variable], configured].compactMap { $0 }.first { !$0.isEmpty }
        }
        guard let clusterID = value(clusterID, Self.clusterVariable, settings.clusterID) else {
            throw InputError(description: "no cluster id: pass --cluster-id lkc-… or set \(Self.clusterVariable)")
        }
        try ConfluentInputError.checkID(
            clusterID, prefix: "lkc-", what: "cluster id", source: "--cluster-id, \(Self.clusterVariable) or kafka.cluster_id")
        let kafkaCredentials = try ConfluentCredentials.fromEnvironment(
            Self.apiKeyVariable, Self.apiSecretVariable, variables, purpose: "a Kafka cluster API key")
        guard let kafkaCredentials else {
            throw InputError(
                description: "no cluster API key: set \(Self.apiKeyVariable) and \(Self.apiSecretVariable) "
                    + "(a Kafka API key of cluster \(clusterID))")
        }
        let cloudCredentials = try ConfluentCredentials.fromEnvironment(
            Self.cloudKeyVariable, Self.cloudSecretVariable, variables, purpose: "a Cloud API key")
        var redactor = kafkaCredentials.redacting()
        if let cloudCredentials { redactor = cloudCredentials.redacting(redactor) }
        var configuration = HTTPClientConfiguration()
        configuration.redactor = redactor
        configuration.userAgent = "image-pipeline/1.0 topic-provision"
        var httpLogger = Logger(label: "http")
        httpLogger.logLevel = logLevel
        let http = HTTPClient(configuration: configuration, logger: httpLogger)

        let endpoint = try await KafkaRestEndpoint.resolve(
            configured: value(restEndpoint, Self.endpointVariable, settings.restEndpoint), clusterID: clusterID,
            environment: value(self.environment, Self.environmentVariable, settings.environment),
            cloudCredentials: cloudCredentials, cloudAPIRoot: cloudAPIRoot, http: http, logger: logger)
        logger.info("cluster \(clusterID) at \(endpoint) with \(kafkaCredentials)")
        return KafkaRestClient(endpoint: endpoint, clusterID: clusterID, credentials: kafkaCredentials, http: http)
    }
}
