import CRdKafka

extension KafkaDeliveryReport {
    /// Reads a message of a delivery-report event; the event owns it.
    init(_ message: UnsafePointer<rd_kafka_message_t>) {
        let raw = message.pointee
        self.init(
            id: UInt64(UInt(bitPattern: raw._private)), partition: raw.partition, offset: raw.offset,
            latencyMicroseconds: rd_kafka_message_latency(message), valueSize: raw.len,
            error: raw.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError.rdKafka(raw.err, context: "delivery"))
    }
}
