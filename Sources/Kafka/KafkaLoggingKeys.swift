/// Logging metadata keys used by the Kafka library, gathered in one place.
public enum KafkaLoggingKeys {
    public static let facility = "kafka.facility"
    public static let errorCode = "kafka.error"
    public static let librdkafkaVersion = "kafka.librdkafka"
    /// Messages a producer still held when it was released without `close()`.
    public static let pendingMessages = "kafka.pending"
    /// Of those, the ones it could not deliver.
    public static let undeliveredMessages = "kafka.undelivered"
}
