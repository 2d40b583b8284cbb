import CRdKafka

/// Owns a client's main queue, where a producer's delivery reports and errors arrive as events.
///
/// `@unchecked Sendable`: librdkafka's queues are thread-safe; the queue keeps its client alive, since the queue
/// must be destroyed before the client.
final class RDKafkaQueue: @unchecked Sendable {
    let client: RDKafkaClient
    private let handle: OpaquePointer

    init(mainQueueOf client: RDKafkaClient) {
        self.client = client
        handle = rd_kafka_queue_get_main(client.handle)
    }

    deinit {
        rd_kafka_queue_destroy(handle)
    }

    /// The next event, or nil when none came within `timeout`.
    func poll(timeout: Duration) -> RDKafkaEvent? {
        guard let event = rd_kafka_queue_poll(handle, timeout.milliseconds) else { return nil }
        defer { rd_kafka_event_destroy(event) }
        switch rd_kafka_event_type(event) {
        case RD_KAFKA_EVENT_DR:
            var reports: [KafkaDeliveryReport] = []
            // One allocation per event, which carries up to a batch of reports, never one per message.
            reports.reserveCapacity(rd_kafka_event_message_count(event))
            while let message = rd_kafka_event_message_next(event) {
                reports.append(KafkaDeliveryReport(message))
            }
            return .deliveryReports(reports)
        case RD_KAFKA_EVENT_ERROR:
            let code = KafkaError.Code.wrapping(rd_kafka_event_error(event))
            let reason = String(cString: rd_kafka_event_error_string(event))
            if rd_kafka_event_error_is_fatal(event) != 0 {
                return .error(client.fatalError() ?? KafkaError(code: code, reason: reason, isFatal: true))
            }
            return .error(KafkaError(code: code, reason: reason))
        default:
            return .other
        }
    }
}
