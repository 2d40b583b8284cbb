import Foundation
import Kafka
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(3)))
struct KafkaProduceConsumeTests {
    @Test func messagesComeBackWithKeysAndHeadersIntact() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("images", partitions: 3)
        let log = DeliveryLog()
        let producer = try makeProducer(cluster, log: log)
        let count = 200
        for index in 0..<count {
            let headers = [
                KafkaHeader("image-id", "img-\(index)"),
                KafkaHeader("content-type", "image/jpeg"),
                KafkaHeader("empty", Data()),
                KafkaHeader("absent", nil as Data?),
            ]
            try producer.send(
                KafkaOutgoingMessage(
                    topic: "images", key: Data("key-\(index)".utf8), value: Data(repeating: UInt8(index % 256), count: index + 1),
                    headers: headers),
                id: UInt64(index))
        }
        producer.close()

        let consumer = try makeConsumer(cluster)
        try consumer.assign(allPartitions("images", 3))
        let messages = try consume(consumer, count: count)
        let cachedHighs = (0..<Int32(3)).compactMap { consumer.cachedWatermarks(topic: "images", partition: $0)?.high }
        #expect(cachedHighs.reduce(0, +) == Int64(count), "fetches taught the consumer every partition's high watermark")
        #expect(consumer.cachedWatermarks(topic: "never-fetched", partition: 0) == nil)
        consumer.close()

        #expect(messages.count == count)
        for message in messages {
            let id = try #require(message.headers.string(named: "image-id"))
            let index = try #require(Int(id.dropFirst(4)))
            #expect(message.key == Data("key-\(index)".utf8))
            #expect(message.value == Data(repeating: UInt8(index % 256), count: index + 1))
            #expect(message.headers.string(named: "content-type") == "image/jpeg")
            #expect(message.headers.value(named: "empty") == Data())
            #expect(message.headers.contains(KafkaHeader("absent", nil as Data?)))
            #expect(message.timestampMilliseconds != nil)
        }
        #expect(Set(messages.compactMap { $0.headers.string(named: "image-id") }).count == count)
    }

    @Test func everyMessageGetsOneSuccessfulDeliveryReport() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("reports", partitions: 2)
        let log = DeliveryLog()
        let producer = try makeProducer(cluster, log: log)
        for index in 0..<500 {
            try producer.send(KafkaOutgoingMessage(topic: "reports", value: Data("m\(index)".utf8)), id: UInt64(index))
        }
        producer.close()

        let reports = log.all
        #expect(reports.count == 500)
        #expect(Set(reports.map(\.id)) == Set(0..<500))
        #expect(reports.allSatisfy { $0.error == nil && $0.offset >= 0 && $0.latencyMicroseconds >= 0 })
        // Offsets within a partition are distinct: nothing was written twice.
        for partition in Set(reports.map(\.partition)) {
            let offsets = reports.filter { $0.partition == partition }.map(\.offset)
            #expect(Set(offsets).count == offsets.count)
        }
    }

    @Test func brokerDownAndUpMidStreamLosesAndDuplicatesNothing() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("resilient", partitions: 3)
        let log = DeliveryLog()
        let producer = try makeProducer(cluster, ["retry.backoff.ms": "50"], log: log)
        let consumer = try makeConsumer(cluster)
        try consumer.assign(allPartitions("resilient", 3))

        // Consume while producing: the embedded cluster keeps only a few MB per partition.
        let total = 3000
        let reader = Task.detached { try consume(consumer, count: total, timeout: 90) }
        let leader = try #require(producer.metadata(topic: "resilient").topic(named: "resilient")?.partitions.first?.leader)
        for index in 0..<total {
            if index == total / 3 { try cluster.setBrokerDown(leader) }
            if index == 2 * total / 3 { try cluster.setBrokerUp(leader) }
            try producer.send(KafkaOutgoingMessage(topic: "resilient", value: Data("\(index)".utf8)), id: UInt64(index))
            if index % 100 == 0 { usleep(20_000) }
        }
        producer.close(timeout: .seconds(60))
        let messages = try awaitResult(reader)
        consumer.close()

        #expect(log.all.count == total)
        #expect(log.all.allSatisfy { $0.error == nil })
        let values = messages.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(values.count == total, "every message arrived exactly once")
        #expect(Set(values) == Set((0..<total).map(String.init)))
    }

    @Test func injectedProduceErrorsAreRetriedWithoutLoss() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("flaky", partitions: 1)
        cluster.pushRequestErrors(api: .produce, [.notEnoughReplicas, .notEnoughReplicas, .requestTimedOut])
        let log = DeliveryLog()
        let producer = try makeProducer(cluster, ["retry.backoff.ms": "10"], log: log)
        for index in 0..<50 {
            try producer.send(KafkaOutgoingMessage(topic: "flaky", value: Data("\(index)".utf8)), id: UInt64(index))
        }
        producer.close()
        let consumer = try makeConsumer(cluster)
        try consumer.assign(allPartitions("flaky", 1))
        let messages = try consume(consumer, count: 50)
        consumer.close()
        #expect(log.all.count == 50 && log.all.allSatisfy { $0.error == nil })
        #expect(messages.map { String(decoding: $0.value, as: UTF8.self) } == (0..<50).map(String.init), "order kept")
    }

    @Test func unreachableBrokerFailsEachMessageWithAReport() throws {
        let log = DeliveryLog()
        let producer = try KafkaProducer(
            properties: KafkaProperties(["bootstrap.servers": "127.0.0.1:1", "message.timeout.ms": "500"]),
            logger: quietLogger, onDelivery: log.record)
        for index in 0..<10 {
            try producer.send(KafkaOutgoingMessage(topic: "nowhere", value: Data([1])), id: UInt64(index))
        }
        producer.close(timeout: .seconds(10))
        #expect(log.all.count == 10)
        #expect(log.all.allSatisfy { $0.error?.code == .messageTimedOut })
    }

    @Test func aRebalanceHandlerSeesItsPartitionsAndCommitsBeforeGivingThemUp() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("rebalanced", partitions: 2)
        let properties = KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000"])
        let events = Mutex<[KafkaRebalance]>([])
        let first = try KafkaConsumer(properties: properties, groupID: "handlers", logger: quietLogger) { event in
            events.withLock { $0.append(event) }
            guard case .revoked(let partitions) = event else { return [] }
            return partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: 7) }
        }
        try first.subscribe(topics: ["rebalanced"])
        var deadline = Date().addingTimeInterval(60)
        while events.withLock({ $0.isEmpty }) && Date() < deadline { _ = try first.poll(timeout: .milliseconds(100)) }
        guard case .assigned(let assigned) = events.withLock({ $0.first }) else {
            Issue.record("no assignment: \(events.withLock { $0 })")
            return
        }
        #expect(Set(assigned.map(\.partition)) == [0, 1])
        #expect(try first.assignment().count == 2)

        let second = try makeConsumer(cluster, group: "handlers")
        try second.subscribe(topics: ["rebalanced"])
        deadline = Date().addingTimeInterval(60)
        // Until the group has settled with one partition each: under load the coordinator may need more than one
        // rebalance to get there.
        while try !(first.assignment().count == 1 && second.assignment().count == 1) && Date() < deadline {
            _ = try first.poll(timeout: .milliseconds(50))
            _ = try second.poll(timeout: .milliseconds(50))
        }
        let seen = events.withLock { $0 }
        #expect(seen.count >= 3, "assigned, revoked, assigned again: \(seen)")
        if seen.count >= 2, case .revoked(let revoked) = seen[1] {
            #expect(Set(revoked.map(\.partition)) == [0, 1])
        } else {
            Issue.record("the second event is not a revocation: \(seen)")
        }
        #expect(try first.assignment().count == 1 && second.assignment().count == 1)
        // Leaving revokes too; what the handler returns then is committed while the partition is still its own.
        // (Mid-rebalance, the embedded coordinator refuses commits with REBALANCE_IN_PROGRESS, as a real one
        // does once the group is completing its rebalance.)
        let kept = try #require(first.assignment().first)
        first.close()
        guard case .revoked(let revokedOnClose) = events.withLock({ $0.last }) else {
            Issue.record("closing did not revoke: \(events.withLock { $0 })")
            return
        }
        #expect(revokedOnClose.map(\.partition) == [kept.partition])
        let committed = try second.committed([kept])
        #expect(committed.map(\.offset) == [7])
        second.close()
    }

    @Test func groupCommitsAreResumedByTheNextMember() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("grouped", partitions: 2)
        let log = DeliveryLog()
        let producer = try makeProducer(cluster, log: log)
        for index in 0..<40 {
            try producer.send(
                KafkaOutgoingMessage(topic: "grouped", partition: Int32(index % 2), value: Data("\(index)".utf8)),
                id: UInt64(index))
        }
        producer.close()

        let first = try makeConsumer(cluster, group: "workers")
        try first.subscribe(topics: ["grouped"])
        let firstBatch = try consume(first, count: 40)
        #expect(firstBatch.count == 40)
        // Commit only the first 10 of each partition: the next member must start at offset 10.
        try first.commit([
            KafkaTopicPartitionOffset(topic: "grouped", partition: 0, offset: 10),
            KafkaTopicPartitionOffset(topic: "grouped", partition: 1, offset: 10),
        ])
        let committed = try first.committed(allPartitions("grouped", 2))
        #expect(committed.map(\.offset) == [10, 10])
        first.close()

        let second = try makeConsumer(cluster, group: "workers")
        try second.subscribe(topics: ["grouped"])
        let secondBatch = try consume(second, count: 20)
        second.close()
        #expect(secondBatch.count == 20)
        #expect(secondBatch.allSatisfy { $0.offset >= 10 })
    }

    @Test func metadataDescribesBrokersAndPartitions() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("described", partitions: 4, replicationFactor: 2)
        let consumer = try makeConsumer(cluster)
        let metadata = try consumer.metadata(topic: "described")
        consumer.close()
        #expect(metadata.brokers.count == 3)
        let topic = try #require(metadata.topic(named: "described"))
        #expect(topic.partitions.map(\.id) == [0, 1, 2, 3])
        // librdkafka 2.0.2's mock places replicas on every broker whatever factor it is given.
        #expect(topic.partitions.allSatisfy { !$0.replicas.isEmpty && $0.replicas.allSatisfy(cluster.brokerIDs.contains) })
        #expect(topic.partitions.allSatisfy { cluster.brokerIDs.contains($0.leader) })
        let watermarks = try consumer.watermarks(topic: "described", partition: 0)
        #expect(watermarks.low == 0 && watermarks.high == 0)
    }
}

/// Waits for a detached task from synchronous test code.
func awaitResult<Value: Sendable>(_ task: Task<Value, any Error>) throws -> Value {
    let result = Mutex<Result<Value, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let outcome = await task.result
        result.withLock { $0 = outcome }
        done.signal()
    }
    done.wait()
    return try result.withLock { $0! }.get()
}
