import Failure
import Google
import Testing

struct GoogleErrorTests {
    @Test func anAnswerFollowsTheHTTPStatusRule() {
        for status in [400, 401, 403, 404, 409, 429, 503] {
            #expect(GoogleError(.api, "x", status: status).failureKind == FailureKind(httpStatus: status))
        }
        #expect(GoogleError(.permission, "x", status: 403).failureKind == .systemic)
    }

    @Test func aRefusedCredentialIsNeverTheRequestsFault() {
        #expect(GoogleError(.credentials, "invalid_grant", status: 400).failureKind == .systemic)
        #expect(GoogleError(.credentials, "no key file").failureKind == .systemic)
        #expect(GoogleError(.credentials, "token endpoint overloaded", status: 503).failureKind == .retriable)
    }

    @Test func withoutAnAnswer() {
        #expect(GoogleError(.invalidInput, "bad region").failureKind == .permanent)
        #expect(GoogleError(.unexpectedResponse, "not JSON").failureKind == .retriable)
        #expect(GoogleError(.unreachable, "DNS").failureKind == .systemic)
        #expect(GoogleError(.operation, "still running").failureKind == .systemic)
    }

    @Test func shape() {
        let error = GoogleError(.invalidInput, "bad\nregion")
        #expect(error.description == "bad region" && error.reason == "bad region")
        #expect(error.code.description == "invalid_input")
    }
}
