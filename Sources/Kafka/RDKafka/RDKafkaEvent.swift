/// What a producer's main queue delivers, read out of the `rd_kafka_event_t` (which is destroyed at once).
enum RDKafkaEvent {
    /// Delivery reports, in the order librdkafka reports them.
    case deliveryReports([KafkaDeliveryReport])
    /// An error; `isFatal` when it stopped the client for good.
    case error(KafkaError)
    /// An event nothing here asked for.
    case other
}
