import CRdKafka
import Foundation

extension RDKafkaClient {
    /// Hands one message to librdkafka, which copies it (`RD_KAFKA_MSG_F_COPY`); its delivery report carries `id`.
    /// Returns why librdkafka refused it, such as a full queue.
    func produce(_ message: KafkaOutgoingMessage, id: UInt64) -> KafkaError? {
        var headers: OpaquePointer? = nil
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                if let value = header.value {
                    _ = value.withUnsafeBytes { bytes in
                        rd_kafka_header_add(headers, header.name, -1, bytes.baseAddress, bytes.count)
                    }
                } else {
                    rd_kafka_header_add(headers, header.name, -1, nil, 0)
                }
            }
        }
        let error: OpaquePointer? = message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                withOptionalBytes(message.key) { key in
                    // At most seven fields; a stack buffer keeps the hot path free of heap allocations.
                    withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 7) { fields in
                        var count = 0
                        func add(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                            var field = rd_kafka_vu_t()
                            field.vtype = type
                            fill(&field)
                            fields.initializeElement(at: count, to: field)
                            count += 1
                        }
                        add(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topic }
                        add(RD_KAFKA_VTYPE_VALUE) {
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                            $0.u.mem.size = value.count
                        }
                        add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                        // The id travels as the message's opaque pointer, an integer, not an object.
                        add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(id)) }
                        add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = message.partition ?? RD_KAFKA_PARTITION_UA }
                        if let key {
                            add(RD_KAFKA_VTYPE_KEY) {
                                $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                                $0.u.mem.size = key.count
                            }
                        }
                        if let headers {
                            add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers }
                        }
                        return rd_kafka_produceva(handle, fields.baseAddress, count)
                    }
                }
            }
        }
        guard let error else { return nil }
        // librdkafka takes the headers only when the message is accepted; otherwise they are still ours.
        if let headers { rd_kafka_headers_destroy(headers) }
        return KafkaError.consuming(error, context: "produce to \(message.topic)")
    }

    /// Waits until every message has been reported, or the timeout passes. Blocks the calling thread.
    func flush(timeout: Duration) -> Bool {
        rd_kafka_flush(handle, timeout.milliseconds) == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Fails every message still queued or in flight; each gets its delivery report (`_PURGE_QUEUE`,
    /// `_PURGE_INFLIGHT`).
    func purge() {
        rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
    }
}

private func withOptionalBytes<Result>(_ data: Data?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
    guard let data else { return body(nil) }
    return data.withUnsafeBytes { body($0) }
}
