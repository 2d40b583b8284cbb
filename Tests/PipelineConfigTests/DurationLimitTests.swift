import PipelineConfig
import Testing

/// Durations from users and files: every one either parses exactly or gives a one-line reason, never a trap.
struct DurationLimitTests {
    @Test(arguments: [
        ("9999999999999999999s", "is longer than any run can be (at most 876600h)"),
        ("876601h", "is longer than any run can be (at most 876600h)"),
        ("876600h1ns", "is longer than any run can be (at most 876600h)"),
        ("1" + String(repeating: "0", count: 400) + "s", "is longer than any run can be (at most 876600h)"),
        (String(repeating: "876600h", count: 30), "is longer than any run can be (at most 876600h)"),
        ("1e300s", "has unknown unit 'e' (use ms, s, m or h)"),
        ("-5s", "does not start with a number"),
        ("..s", "does not start with a number"),
        ("inf s", "does not start with a number"),
    ])
    func tooLongOrMalformedIsAOneLineError(text: String, reason: String) {
        let error = #expect(throws: DurationParseError.self) { try parseDuration(text) }
        #expect(error?.description == "duration '\(text)' \(reason)")
    }

    @Test func theLongestAcceptedParsesExactly() throws {
        #expect(try parseDuration("876600h") == .seconds(876_600 * 3600))
        #expect(try parseDuration("100ms") == .milliseconds(100))
        #expect(try parseDuration("1m30s") == .seconds(90))
        #expect(try parseDuration("0.000000001s") == .nanoseconds(1))
    }
}
