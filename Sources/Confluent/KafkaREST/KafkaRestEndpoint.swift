import HTTP
import Logging

/// Where a cluster's Kafka REST API is: the endpoint given (by a flag, `KAFKA_REST_ENDPOINT` or
/// `kafka.rest_endpoint`, whichever the caller found first), or else looked up in the cluster's environment with a
/// Cloud API key (`cmk/v2`). Every input is checked before any request.
public enum KafkaRestEndpoint {
    public static func resolve(
        configured: String?, clusterID: String, environment: String?, cloudCredentials: ConfluentCredentials?,
        cloudAPIRoot: String, http: HTTPClient, logger: Logger
    ) async throws -> String {
        if let configured {
            try ConfluentInputError.checkURL(configured, flag: "--rest-endpoint")
            return configured
        }
        guard let cloudCredentials, let environment else {
            throw ConfluentInputError(
                "no REST endpoint: pass --rest-endpoint or set KAFKA_REST_ENDPOINT; or set CONFLUENT_CLOUD_API_KEY, "
                    + "CONFLUENT_CLOUD_API_SECRET and --environment to look it up",
                code: .missingInput)
        }
        try ConfluentInputError.checkID(
            environment, prefix: "env-", what: "environment id",
            source: "--environment, CONFLUENT_ENVIRONMENT_ID or kafka.environment")
        try ConfluentInputError.checkURL(cloudAPIRoot, flag: "--cloud-api-root")
        logger.info("looking up the REST endpoint of \(clusterID) in \(environment)")
        let endpoint = try await ConfluentCloudClient(apiRoot: cloudAPIRoot, credentials: cloudCredentials, http: http)
            .restEndpoint(clusterID: clusterID, environment: environment)
        try ConfluentInputError.checkURL(endpoint, flag: "the looked-up REST endpoint")
        return endpoint
    }
}
