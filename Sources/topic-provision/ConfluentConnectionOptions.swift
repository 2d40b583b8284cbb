import ArgumentParser
import CommandSupport
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

    /// Where to look the REST endpoint up (cmk/v2) when none is given.
    @OptionGroup var cloud: ConfluentCloudOptions

    static let endpointVariable = "KAFKA_REST_ENDPOINT"
    static let clusterVariable = "KAFKA_ID"
    static let apiKeyVariable = "KAFKA_API_KEY"
    static let apiSecretVariable = "KAFKA_API_SECRET"

    /// Checks every input before any request, then looks the endpoint up if it has to.
    func connect(
        settings: KafkaSettings, logger: Logger, logLevel: Logger.Level,
        environment variables: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> KafkaRestClient {
        func value(_ flag: String?, _ variable: String, _ configured: String?) -> String? {
            [flag, variables[variable], configured].compactMap { $0 }.first { !$0.isEmpty }
        }
        guard let clusterID = value(clusterID, Self.clusterVariable, settings.clusterID) else {
            throw InputError("no cluster id: pass --cluster-id lkc-… or set \(Self.clusterVariable)")
        }
        try ConfluentInputError.checkID(
            clusterID, prefix: "lkc-", what: "cluster id", source: "--cluster-id, \(Self.clusterVariable) or kafka.cluster_id")
        let kafkaCredentials = try ConfluentCredentials.fromEnvironment(
            Self.apiKeyVariable, Self.apiSecretVariable, variables, purpose: "a Kafka cluster API key")
        guard let kafkaCredentials else {
            throw InputError(
                "no cluster API key: set \(Self.apiKeyVariable) and \(Self.apiSecretVariable) "
                    + "(a Kafka API key of cluster \(clusterID))")
        }
        let cloudCredentials = try cloud.cloudCredentials(environment: variables)
        var redactor = kafkaCredentials.redacting()
        if let cloudCredentials { redactor = cloudCredentials.redacting(redactor) }
        let http = ConfluentCloudOptions.httpClient(tool: "topic-provision", redactor: redactor, logLevel: logLevel).client

        let endpoint = try await KafkaRestEndpoint.resolve(
            configured: value(restEndpoint, Self.endpointVariable, settings.restEndpoint), clusterID: clusterID,
            environment: cloud.environmentID(configured: settings.environment, environment: variables),
            cloudCredentials: cloudCredentials, cloudAPIRoot: cloud.cloudAPIRoot, http: http, logger: logger)
        logger.info("cluster \(clusterID) at \(endpoint) with \(kafkaCredentials)")
        return KafkaRestClient(endpoint: endpoint, clusterID: clusterID, credentials: kafkaCredentials, http: http)
    }
}
