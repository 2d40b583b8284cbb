/// An API key and its secret, as two settings that only work together (`KAFKA_API_KEY` and `KAFKA_API_SECRET`,
/// `CONFLUENT_CLOUD_API_KEY` and `CONFLUENT_CLOUD_API_SECRET`): both given, or neither. The one place that rule
/// is written, for the Kafka clients' SASL login and the Confluent REST APIs alike.
public enum CredentialPair {
    /// The pair, or nil when neither is given; one alone is a mistake worth naming, with both variables and what
    /// the key is for. The error never holds the secret.
    public static func check(
        key: String, secret: String, keyVariable: String, secretVariable: String, purpose: String
    ) throws(ConfigurationError) -> (key: String, secret: String)? {
        switch (key.isEmpty, secret.isEmpty) {
        case (false, false): return (key, secret)
        case (true, true): return nil
        default:
            throw ConfigurationError(
                code: .unpairedCredentials, key: "",
                reason: "set both \(keyVariable) and \(secretVariable) (\(purpose)), or neither")
        }
    }
}
