import Confluent
import Failure
import HTTP
import Logging
import Testing

/// The endpoint lookup `topic-provision` relies on, called in-process against the Confluent Cloud double.
@Suite(.timeLimit(.minutes(2)))
struct KafkaRestEndpointTests {
    static let cloud = ConfluentCredentials(apiKey: ConfluentCloudDouble.cloudKey, apiSecret: ConfluentCloudDouble.cloudSecret)

    static func resolve(
        _ fixture: ConfluentFixture, configured: String? = nil, environment: String? = ConfluentCloudDouble.environment,
        cloudCredentials: ConfluentCredentials? = cloud, cloudAPIRoot: String? = nil
    ) async throws -> String {
        var configuration = HTTPClientConfiguration()
        configuration.retry = RetryPolicy(maxAttempts: 1)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try await KafkaRestEndpoint.resolve(
            configured: configured, clusterID: ConfluentCloudDouble.clusterID, environment: environment,
            cloudCredentials: cloudCredentials, cloudAPIRoot: cloudAPIRoot ?? fixture.server.baseURL,
            http: HTTPClient(configuration: configuration, logger: logger), logger: logger)
    }

    @Test func aGivenEndpointIsCheckedAndUsedWithoutARequest() async throws {
        try await ConfluentFixture.with { fixture in
            let given = try await Self.resolve(fixture, configured: "https://pkc-1.confluent.cloud:443", cloudCredentials: nil)
            #expect(given == "https://pkc-1.confluent.cloud:443")
            let error = await #expect(throws: ConfluentInputError.self) {
                try await Self.resolve(fixture, configured: "http://pkc-1.confluent.cloud")
            }
            #expect(error?.code == .invalidInput)
            #expect(error?.description.hasPrefix("--rest-endpoint http://pkc-1.confluent.cloud: plain http://") == true)
            #expect(fixture.double.requests == [])
        }
    }

    @Test func theEndpointIsLookedUpInTheClustersEnvironment() async throws {
        try await ConfluentFixture.with { fixture in
            let found = try await Self.resolve(fixture)
            #expect(found == fixture.server.baseURL)
            #expect(fixture.double.requests == ["GET /cmk/v2/clusters/lkc-test42?environment=env-test7"])

            let error = await #expect(throws: ConfluentError.self) { try await Self.resolve(fixture, environment: "env-other") }
            #expect(error?.code == .httpStatus(404))
            #expect(error?.failureKind == .systemic)
            #expect(error?.description.hasPrefix(
                "look up the REST endpoint of cluster lkc-test42 in environment env-other failed (HTTP 404)") == true)
        }
    }

    @Test func withoutAnEndpointTheLookupNeedsItsInputsBeforeAnyRequest() async throws {
        try await ConfluentFixture.with { fixture in
            let noKey = await #expect(throws: ConfluentInputError.self) { try await Self.resolve(fixture, cloudCredentials: nil) }
            #expect(noKey?.code == .missingInput)
            #expect(noKey?.description.hasPrefix("no REST endpoint: pass --rest-endpoint or set KAFKA_REST_ENDPOINT") == true)
            let noEnvironment = await #expect(throws: ConfluentInputError.self) { try await Self.resolve(fixture, environment: nil) }
            #expect(noEnvironment?.code == .missingInput)
            let malformed = await #expect(throws: ConfluentInputError.self) { try await Self.resolve(fixture, environment: "test7") }
            #expect(malformed?.code == .malformedID)
            let badRoot = await #expect(throws: ConfluentInputError.self) {
                try await Self.resolve(fixture, cloudAPIRoot: "ftp://api.confluent.cloud")
            }
            #expect(badRoot?.description.hasPrefix("--cloud-api-root ftp://api.confluent.cloud: ") == true)
            #expect(fixture.double.requests == [])
        }
    }
}
