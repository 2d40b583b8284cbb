/// Bad input found before any request: the tools report it on one line and exit 64.
public struct ConfluentInputError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// Confluent ids are a prefix and lowercase letters and digits: `lkc-abc123`, `env-x7y2`.
    public static func checkID(_ id: String, prefix: String, what: String, source: String) throws(ConfluentInputError) {
        let rest = id.dropFirst(prefix.count)
        guard id.hasPrefix(prefix), !rest.isEmpty, rest.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        else {
            throw ConfluentInputError(
                "\(what) '\(id)' (\(source)) is malformed: expected \(prefix) followed by lowercase letters or digits")
        }
    }
}

extension ConfluentCredentials {
    /// The key and secret from two environment variables: both, or neither (nil); one alone is a mistake worth
    /// naming.
    public static func fromEnvironment(
        _ keyVariable: String, _ secretVariable: String, _ variables: [String: String], purpose: String
    ) throws(ConfluentInputError) -> ConfluentCredentials? {
        let key = variables[keyVariable] ?? ""
        let secret = variables[secretVariable] ?? ""
        switch (key.isEmpty, secret.isEmpty) {
        case (false, false): return ConfluentCredentials(apiKey: key, apiSecret: secret)
        case (true, true): return nil
        default: throw ConfluentInputError("set both \(keyVariable) and \(secretVariable) (\(purpose)), or neither")
        }
    }
}
