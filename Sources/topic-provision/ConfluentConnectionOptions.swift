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
        var configuration = HTTPClientConfiguration()
        configuration.redactor = redactor
        configuration.userAgent = "image-pipeline/1.0 topic-provision"
        var httpLogger = Logger(label: "http")
        httpLogger.logLevel = logLevel
        let http = HTTPClient(configuration: configuration, logger: httpLogger)

        let endpoint: String
        if let configured = value(restEndpoint, Self.endpointVariable, settings.restEndpoint) {
            try Self.checkURL(configured, flag: "--rest-endpoint")
            endpoint = configured
        } else {
            guard let cloudCredentials,
                let environment = cloud.environmentID(configured: settings.environment, environment: variables)
            else {
                throw InputError(
                    "no REST endpoint: pass --rest-endpoint or set \(Self.endpointVariable); or set "
                        + "\(ConfluentCloudOptions.cloudKeyVariable), \(ConfluentCloudOptions.cloudSecretVariable) and --environment to look it up")
            }
            try ConfluentInputError.checkID(
                environment, prefix: "env-", what: "environment id",
                source: "--environment, \(ConfluentCloudOptions.environmentVariable) or kafka.environment")
            try Self.checkURL(cloud.cloudAPIRoot, flag: "--cloud-api-root")
            logger.info("looking up the REST endpoint of \(clusterID) in \(environment)")
            endpoint = try await ConfluentCloudClient(apiRoot: cloud.cloudAPIRoot, credentials: cloudCredentials, http: http)
                .restEndpoint(clusterID: clusterID, environment: environment)
            try Self.checkURL(endpoint, flag: "the looked-up REST endpoint")
        }
        logger.info("cluster \(clusterID) at \(endpoint) with \(kafkaCredentials)")
        return KafkaRestClient(endpoint: endpoint, clusterID: clusterID, credentials: kafkaCredentials, http: http)
    }

    private static func checkURL(_ url: String, flag: String) throws {
        do {
            try HTTPClient.checkURL(url, allowsPlainHTTPToAnyHost: false)
        } catch let error as HTTPClientError {
            throw InputError("\(flag) \(url): \(error.reason)")
        }
    }
}
