/// Logging metadata keys used by the Kafka library, gathered in one place.
public enum KafkaLoggingKeys {
    public static let facility = "kafka.facility"
    public static let errorCode = "kafka.error"
    public static let topic = "kafka.topic"
    public static let librdkafkaVersion = "kafka.librdkafka"
}
