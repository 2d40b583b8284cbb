import Failure
import Testing

struct FailureKindTests {
    @Test("A refused request is permanent, overload is retriable, anything else fails every request alike")
    func httpStatuses() {
        #expect([400, 413, 422].map(FailureKind.init(httpStatus:)) == [.permanent, .permanent, .permanent])
        #expect([408, 425, 429, 500, 503, 599].allSatisfy { FailureKind(httpStatus: $0) == .retriable })
        #expect([401, 403, 404, 405, 409, 415, 499, 600, 302].allSatisfy { FailureKind(httpStatus: $0) == .systemic })
    }
}

struct OneLineTests {
    @Test("line breaks of every kind become spaces")
    func lineBreaksBecomeSpaces() {
        #expect("a\nb\r\nc\rd".onOneLine == "a b c d")
        #expect("one line".onOneLine == "one line")
        #expect("  first  \n\n   second\t\n".onOneLine == "first second")
    }
}
