import Failure
import HTTP

/// Bad input found before any request, or a key or name Confluent shows to be the wrong one: the tools report it
/// on one line and exit 64.
public struct ConfluentInputError: PipelineError {
    public enum Code: String, CustomStringConvertible, Hashable, Sendable {
        /// A setting or flag with a value that cannot work.
        case invalidInput = "invalid_input"
        /// Something needed is given nowhere (flag, environment or configuration).
        case missingInput = "missing_input"
        /// A Confluent id without its prefix (`lkc-`, `env-`) or with other characters.
        case malformedID = "malformed_id"
        /// An API key without its secret, or a secret without its key.
        case unpairedCredentials = "unpaired_credentials"
        /// An API key of the wrong kind or scope, or one Confluent does not know.
        case wrongKey = "wrong_key"
        /// Several resources carry the name that must pick one.
        case ambiguousName = "ambiguous_name"

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ reason: String, code: Code = .invalidInput) {
        self.code = code
        self.reason = reason
    }

    /// Input: nothing changes until someone changes it.
    public var failureKind: FailureKind { .permanent }
    public var isBadInput: Bool { true }

    public var description: String { reason }

    /// Confluent ids are a prefix and lowercase letters and digits: `lkc-abc123`, `env-x7y2`.
    public static func checkID(_ id: String, prefix: String, what: String, source: String) throws(ConfluentInputError) {
        let rest = id.dropFirst(prefix.count)
        guard id.hasPrefix(prefix), !rest.isEmpty, rest.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        else {
            throw ConfluentInputError(
                "\(what) '\(id)' (\(source)) is malformed: expected \(prefix) followed by lowercase letters or digits",
                code: .malformedID)
        }
    }

    /// HTTPS, or plain HTTP to loopback only: an API key never crosses a network in the clear.
    public static func checkURL(_ url: String, flag: String) throws(ConfluentInputError) {
        do {
            try HTTPClient.checkURL(url, allowsPlainHTTPToAnyHost: false)
        } catch let error as HTTPClientError {
            throw ConfluentInputError("\(flag) \(url): \(error.reason)")
        } catch {
            throw ConfluentInputError("\(flag) \(url): \(error)")
        }
    }
}
