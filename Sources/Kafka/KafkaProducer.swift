import CRdKafka
import Foundation
import Logging
import Synchronization

/// The outcome of one produced message, reported exactly once per accepted `send`.
public struct KafkaDeliveryReport: Sendable {
    /// The identifier the caller gave to `send`.
    public let id: UInt64
    public let partition: Int32
    public let offset: Int64
    /// Time from `send` until the broker's acknowledgement, as librdkafka measured it, in microseconds.
    public let latencyMicroseconds: Int64
    /// Bytes of the message's value.
    public let valueSize: Int
    public let error: KafkaError?
}

/// A message to produce. `partition` nil lets the partitioner choose (by key hash, or sticky without a key).
public struct KafkaOutgoingMessage: Sendable {
    public var topic: String
    public var partition: Int32?
    public var key: Data?
    public var value: Data
    public var headers: [KafkaHeader]

    public init(topic: String, partition: Int32? = nil, key: Data? = nil, value: Data, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// A Kafka producer whose delivery reports come back through `onDelivery`, called on one polling thread in the
/// order librdkafka reports them.
///
/// Idempotence is on by default (`enable.idempotence=true`), so retries after a lost connection neither lose nor
/// duplicate messages; any property can be overridden.
///
/// `@unchecked Sendable`: `queue` is a librdkafka queue handle, thread-safe like the client; the rest is immutable
/// or guarded by `state`'s mutex.
public final class KafkaProducer: @unchecked Sendable {
    private let client: RDKafkaClient
    private let queue: OpaquePointer
    private let onDelivery: @Sendable (KafkaDeliveryReport) -> Void
    private let logger: Logger
    private let state = Mutex(State())
    private let pollerFinished = DispatchSemaphore(value: 0)

    private struct State {
        var closed = false
        var fatal: KafkaError?
    }

    /// Defaults this library chooses; a user's property of the same name wins.
    public static let defaultProperties = KafkaProperties([
        "enable.idempotence": "true",
        "linger.ms": "5",
    ])

    public init(
        properties: KafkaProperties, logger: Logger,
        onDelivery: @escaping @Sendable (KafkaDeliveryReport) -> Void
    ) throws {
        KafkaLibrary.warnIfUntested(properties: properties, logger: logger)
        let merged = Self.defaultProperties.merging(properties)
        client = try RDKafkaClient(
            kind: .producer, properties: merged, events: RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR, logger: logger)
        queue = rd_kafka_queue_get_main(client.handle)
        self.onDelivery = onDelivery
        self.logger = logger
        let poller = Thread { [self] in pollLoop() }
        poller.name = "kafka-producer-poll"
        poller.start()
    }

    deinit {
        rd_kafka_queue_destroy(queue)
    }

    /// Hands one message to librdkafka, which copies it. Blocks while librdkafka's queue is full, so a fast
    /// caller is slowed to what the cluster takes instead of failing. Every accepted message gets one report.
    public func send(_ message: KafkaOutgoingMessage, id: UInt64) throws {
        if let fatal = state.withLock({ $0.closed ? KafkaError(code: .invalidArgument, reason: "Tried to produce with a closed producer") : $0.fatal }) {
            throw fatal
        }
        while true {
            let error = produce(message, id: id)
            guard let error else { return }
            guard error.code == .queueFull else { throw error }
            // The poller frees room as reports arrive; a short sleep keeps this loop off the CPU meanwhile.
            usleep(200)
        }
    }

    private func produce(_ message: KafkaOutgoingMessage, id: UInt64) -> KafkaError? {
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
                        return rd_kafka_produceva(client.handle, fields.baseAddress, count)
                    }
                }
            }
        }
        guard let error else { return nil }
        // librdkafka takes the headers only when the message is accepted; otherwise they are still ours.
        if let headers { rd_kafka_headers_destroy(headers) }
        return KafkaError.consuming(error, context: "produce to \(message.topic)")
    }

    /// Messages handed to librdkafka whose report has not been delivered yet.
    public var inFlightCount: Int {
        Int(rd_kafka_outq_len(client.handle))
    }

    /// Waits until every message has been reported, or the timeout passes.
    /// Blocks the calling thread: call it from a thread of your own, not from Swift's cooperative pool.
    public func flush(timeout: Duration) throws {
        let error = rd_kafka_flush(client.handle, timeout.milliseconds)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(error, context: "\(inFlightCount) messages still in flight after \(timeout)")
        }
    }

    /// Flushes, then stops the polling thread, which until then keeps the producer alive: always call it. Messages still undelivered after `timeout` are reported as
    /// failed (purged), never silently dropped. Calling it again does nothing.
    public func close(timeout: Duration = .seconds(30)) {
        let wasClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !wasClosed else { return }
        if (try? flush(timeout: timeout)) == nil {
            logger.warning("purging \(inFlightCount) undelivered messages after \(timeout)")
            rd_kafka_purge(client.handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
            _ = rd_kafka_flush(client.handle, 5_000)
        }
        pollerFinished.wait()
    }

    public func metadata(topic: String? = nil, timeout: Duration = .seconds(10)) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: timeout)
    }

    private func pollLoop() {
        while true {
            guard let event = rd_kafka_queue_poll(queue, 100) else {
                if state.withLock({ $0.closed }) && rd_kafka_outq_len(client.handle) == 0 { break }
                continue
            }
            handle(event)
            rd_kafka_event_destroy(event)
        }
        pollerFinished.signal()
    }

    private func handle(_ event: OpaquePointer) {
        switch rd_kafka_event_type(event) {
        case RD_KAFKA_EVENT_DR:
            while let message = rd_kafka_event_message_next(event) {
                let raw = message.pointee
                let error = raw.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError.rdKafka(raw.err, context: "delivery")
                onDelivery(
                    KafkaDeliveryReport(
                        id: UInt64(UInt(bitPattern: raw._private)), partition: raw.partition, offset: raw.offset,
                        latencyMicroseconds: rd_kafka_message_latency(message), valueSize: raw.len, error: error))
            }
        case RD_KAFKA_EVENT_ERROR:
            let code = rd_kafka_event_error(event)
            let reason = String(cString: rd_kafka_event_error_string(event))
            if rd_kafka_event_error_is_fatal(event) != 0 {
                let fatal = client.fatalError() ?? KafkaError(code: .wrapping(code), reason: reason, isFatal: true)
                logger.error("producer stopped by a fatal error: \(fatal)")
                state.withLock { $0.fatal = fatal }
            } else {
                logger.warning("\(reason)", metadata: [KafkaLoggingKeys.errorCode: "\(KafkaError.Code.wrapping(code))"])
            }
        default:
            break
        }
    }
}

private func withOptionalBytes<Result>(_ data: Data?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
    guard let data else { return body(nil) }
    return data.withUnsafeBytes { body($0) }
}
