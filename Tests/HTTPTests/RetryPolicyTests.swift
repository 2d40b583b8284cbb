import Foundation
import HTTP
import Testing

struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))

    @Test(arguments: [(1, 0.0, 50), (1, 1.0, 100), (2, 1.0, 200), (3, 0.5, 300), (4, 1.0, 800), (9, 1.0, 1000)])
    func backoffGrowsWithJitterAndIsCapped(attempt: Int, jitter: Double, expectedMilliseconds: Int) {
        #expect(policy.delay(afterAttempt: attempt, retryAfter: nil, jitter: jitter) == .milliseconds(expectedMilliseconds))
    }

    @Test func retryAfterWinsButIsCapped() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: .milliseconds(700), jitter: 0) == .milliseconds(700))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(30), jitter: 0) == .seconds(1))
    }

    @Test func retryAfterIsReadAsSecondsOrDate() {
        #expect(RetryPolicy.parseRetryAfter("3") == .seconds(3))
        #expect(RetryPolicy.parseRetryAfter(" 0 ") == .zero)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", now: now) == .seconds(10))
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.parseRetryAfter(nil) == nil)
    }
}

struct HTTPRedactorTests {
    @Test func credentialsAreMasked() {
        var redactor = HTTPRedactor()
        redactor.addSecret("my-api-secret-123")
        let headers = redactor.redact([
            HTTPHeader("Authorization", "Bearer ya29.token-value"), HTTPHeader("Accept", "application/json"),
            HTTPHeader("authorization", "Basic QUJDOnNlY3JldA=="),
        ])
        #expect(headers == [
            HTTPHeader("Authorization", "Bearer [redacted]"), HTTPHeader("Accept", "application/json"),
            HTTPHeader("authorization", "Basic [redacted]"),
        ])
        let body = #"{"access_token": "ya29.abc\"def", "expires_in": 3599, "private_key":"-----BEGIN"}"#
        let redacted = redactor.redact(body)
        #expect(redacted == #"{"access_token": "[redacted]", "expires_in": 3599, "private_key":"[redacted]"}"#)
        #expect(redactor.redact("secret is my-api-secret-123!") == "secret is [redacted]!")
        #expect(redactor.redact("curl -H 'Authorization: Bearer abc.def'") == "curl -H 'Authorization: Bearer [redacted]'")
    }
}
