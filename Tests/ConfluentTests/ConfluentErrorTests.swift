import Confluent
import Failure
import Foundation
import HTTP
import Testing

/// Whether trying again helps is the one HTTP status rule, for Confluent's answers as for every other API.
@Suite struct ConfluentErrorTests {
    static func error(status: Int, body: String) -> ConfluentError {
        ConfluentError(
            operation: "create topic images", response: HTTPResponse(status: status, headers: [], body: Data(body.utf8)),
            apiKey: "KEY1", redactor: HTTPRedactor())
    }

    @Test func kafkaRESTCodesAreReadAndTheStatusDecidesTheKind() {
        let exists = Self.error(status: 400, body: #"{"error_code": 40002, "message": "Topic 'images' already exists."}"#)
        #expect(exists.code == .topicAlreadyExists)
        #expect(exists.code.description == "40002")
        #expect(exists.failureKind == .permanent)
        #expect(exists.description == "create topic images failed (HTTP 400, error 40002): Topic 'images' already exists.")

        let loading = Self.error(status: 503, body: #"{"error_code": 50003, "message": "The coordinator is loading"}"#)
        #expect(loading.code == .kafkaREST(50003) && loading.failureKind == .retriable)

        let unauthenticated = Self.error(status: 401, body: #"{"error_code": 40101, "message": "Authentication failed"}"#)
        #expect(unauthenticated.isAuthenticationFailure && unauthenticated.failureKind == .systemic)
        #expect(unauthenticated.description.contains("[API key KEY1 was rejected"))
    }

    @Test func cloudAndNonJSONAnswersKeepTheirStatusAsCode() {
        let cloud = Self.error(status: 404, body: #"{"errors": [{"code": "resource_not_found", "detail": "gone"}]}"#)
        #expect(cloud.code == .httpStatus(404) && cloud.code.description == "http_404")
        #expect(cloud.reason == "resource_not_found: gone")
        let proxy = Self.error(status: 429, body: "<html>slow down</html>\nmore")
        #expect(proxy.failureKind == .retriable && proxy.reason == "<html>slow down</html>")
        #expect(!proxy.description.contains("\n"))
    }

    @Test func failuresWithoutAnAnswerSayWhatTryingAgainCanDo() {
        #expect(ConfluentError(code: .timedOut, operation: "wait for topic images", reason: "still not done").failureKind == .retriable)
        #expect(ConfluentError(code: .unreachable, operation: "read topic images", reason: "refused").failureKind == .systemic)
        #expect(ConfluentError(code: .clusterFailed, operation: "provision cluster", reason: "FAILED").failureKind == .permanent)
        #expect(ConfluentInputError("bad", code: .malformedID).failureKind == .permanent)
        #expect(TopicPlanRefusedError(refusals: ["images: partitions 6 -> 3"]).code.description == "plan_refused")
    }

    /// Every 5xx is retriable by the one rule, though the HTTP library's own default list leaves 501 and 505 out.
    @Test func confluentRetriesWhatTheRuleCallsRetriable() async throws {
        try await ConfluentFixture.with { fixture in
            fixture.double.seed("images", partitions: 6)
            fixture.double.inject([.jsonObject(["error_code": 50101, "message": "Not implemented yet"], status: 501)])
            var configuration = HTTPClientConfiguration()
            configuration.retry = RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(10))
            let client = KafkaRestClient(
                endpoint: fixture.server.baseURL, clusterID: ConfluentCloudDouble.clusterID,
                credentials: ConfluentCredentials(apiKey: ConfluentCloudDouble.kafkaKey, apiSecret: ConfluentCloudDouble.kafkaSecret),
                http: HTTPClient(configuration: configuration))
            let topic = try await client.topic(named: "images")
            #expect(topic?.partitions == 6)
            #expect(fixture.double.requests.count == 2)
        }
    }
}
