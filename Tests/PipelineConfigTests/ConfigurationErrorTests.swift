import Failure
import PipelineConfig
import Testing

/// Configuration errors carry a code a script can match; all of them are permanent, since the same file or the
/// same environment gives the same answer until someone edits it.
@Suite struct ConfigurationErrorTests {
    @Test func eachKindOfProblemHasItsCode() {
        let cases: [(ConfigurationError.Code, () throws -> Void)] = [
            (.unreadableFile, { _ = try PipelineConfiguration.load(file: "/no/such/pipeline.yaml") }),
            (.invalidYAML, { _ = try PipelineConfiguration.parse("kafka:\n  topics: [a\n  b: c\n") }),
            (.secretInConfiguration, { _ = try PipelineConfiguration.parse("kafka:\n  properties:\n    sasl.password: x\n") }),
            (.invalidSetting, { _ = try PipelineConfiguration.parse("stream_app:\n  concurrency: many\n") }),
        ]
        for (code, body) in cases {
            let error = #expect(throws: ConfigurationError.self) { try body() }
            #expect(error?.code == code)
            #expect(error?.failureKind == .permanent)
            #expect(error?.description.contains("\n") == false)
        }
    }

    @Test func durationErrorsNameWhatIsWrong() {
        let cases: [(String, DurationParseError.Code)] = [
            ("", .empty), ("s", .notANumber), ("5", .missingUnit), ("5y", .unknownUnit), ("876601h", .tooLong),
        ]
        for (text, code) in cases {
            let error = #expect(throws: DurationParseError.self) { try parseDuration(text) }
            #expect(error?.code == code, "\(text)")
            #expect(error?.code.description == code.rawValue)
            #expect(error?.failureKind == .permanent)
        }
    }

    /// The one key/secret rule: both, or neither; the message names both variables and never the secret.
    @Test func aKeyNeedsItsSecret() throws {
        let check = { (key: String, secret: String) throws(ConfigurationError) in
            try CredentialPair.check(
                key: key, secret: secret, keyVariable: "KAFKA_API_KEY", secretVariable: "KAFKA_API_SECRET",
                purpose: "a Kafka cluster API key")
        }
        let pair = try #require(try check("KEY1", "s3cr3t"))
        #expect(pair.key == "KEY1" && pair.secret == "s3cr3t")
        #expect(try check("", "") == nil)
        for (key, secret) in [("KEY1", ""), ("", "s3cr3t")] {
            let error = #expect(throws: ConfigurationError.self) { try check(key, secret) }
            #expect(error?.code == .unpairedCredentials)
            #expect(error?.description == "set both KAFKA_API_KEY and KAFKA_API_SECRET (a Kafka cluster API key), or neither")
        }
    }
}
