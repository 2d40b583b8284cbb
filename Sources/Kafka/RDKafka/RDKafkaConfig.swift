import CRdKafka
import Foundation
import Logging

/// Builds the `rd_kafka_conf_t` for one kind of client.
enum RDKafkaConfig {
    /// Creates a configuration the caller owns, from the properties a client of this kind reads (see
    /// `RDKafkaPropertyScope`). Unknown properties and bad values are errors that name the property, never its value
    /// when that is a secret.
    static func make(for kind: RDKafkaClient.Kind, _ properties: KafkaProperties, logger: Logger) throws
        -> OpaquePointer
    {
        let config = rd_kafka_conf_new()!
        let errorChars = UnsafeMutablePointer<CChar>.allocate(capacity: RDKafkaClient.errorCapacity)
        defer { errorChars.deallocate() }
        let linked = RDKafkaVersion.linked
        for key in properties.values.keys.sorted() {
            guard RDKafkaPropertyScope.applies(key, to: kind, linked: linked) else {
                logger.trace("\(key) is not a \(kind) property; not set on this \(kind)")
                continue
            }
            let value = properties.values[key]!
            if rd_kafka_conf_set(config, key, value, errorChars, RDKafkaClient.errorCapacity) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(config)
                var message = String(cString: errorChars)
                if KafkaProperties.isSecret(key), !value.isEmpty {
                    message = message.replacingOccurrences(of: value, with: "[redacted]")
                }
                throw KafkaError.config("property \(key): \(message)")
            }
        }
        return config
    }
}
