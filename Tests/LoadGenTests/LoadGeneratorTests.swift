import Foundation
import Kafka
@testable import LoadGen
import Logging
import Testing

let quiet: Logger = {
    var logger = Logger(label: "loadgen-tests")
    logger.logLevel = .critical
    return logger
}()

func config(_ cluster: KafkaMockCluster, rate: Double, duration: Duration, pool: Int = 8) -> LoadGeneratorConfig {
    var config = LoadGeneratorConfig(
        topic: "images", schedule: .constant(rate: rate, duration: duration, count: nil),
        source: .synthetic(width: 64, height: 48, quality: 80, pool: pool, encoders: 2, seed: 1),
        properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "retry.backoff.ms": "50"]))
    config.verify = true
    return config
}

@Suite(.timeLimit(.minutes(3)))
struct LoadGeneratorTests {
    @Test func fixedRateRunDeliversRateTimesDurationAndVerifiesClean() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("images", partitions: 3)
        let (report, seconds) = try LoadGenerator(config: config(cluster, rate: 250, duration: .seconds(2)), logger: quiet).run()
        #expect(report.sent == 500)
        #expect(report.delivered == 500)
        #expect(report.failed == 0)
        #expect(report.verify == VerifyReport(consumed: 500, missing: 0, duplicates: 0, corrupt: 0, missingSample: []))
        #expect(report.latencyMilliseconds.count == 500)
        #expect(seconds.reduce(0) { $0 + $1.sent } == 500)
    }

    @Test func freshEncodingSendsDistinctImages() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("images", partitions: 1)
        var fresh = config(cluster, rate: 0, duration: .seconds(60), pool: 0)
        fresh.schedule = .constant(rate: 0, duration: nil, count: 300)
        let (report, _) = try LoadGenerator(config: fresh, logger: quiet).run()
        #expect(report.sent == 300 && report.delivered == 300)
        #expect(report.verify?.isClean == true)
        #expect(report.image.source.contains("fresh"))
    }

    @Test func brokerTakenDownMidRunLosesAndDuplicatesNothing() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("images", partitions: 3)
        let generator = try LoadGenerator(config: config(cluster, rate: 300, duration: .seconds(4)), logger: quiet)
        let faults = Thread {
            usleep(1_000_000)
            try? cluster.setBrokerDown(1)
            usleep(1_500_000)
            try? cluster.setBrokerUp(1)
        }
        faults.start()
        let (report, _) = try generator.run()
        #expect(report.sent == 1200)
        #expect(report.delivered == 1200)
        #expect(report.failed == 0)
        #expect(report.verify?.missing == 0)
        #expect(report.verify?.duplicates == 0)
        #expect(report.verify?.consumed == 1200)
    }

    @Test func workersNeverShareImageIds() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("images", partitions: 2)
        var reports: [LoadReport] = []
        for index in 0..<2 {
            var worker = config(cluster, rate: 200, duration: .seconds(1))
            worker.workers = 2
            worker.workerIndex = index
            reports.append(try LoadGenerator(config: worker, logger: quiet).run().report)
        }
        #expect(reports.map(\.delivered) == [100, 100])
        #expect(reports.map { $0.verify?.isClean } == [true, true], "\(reports.map { $0.verify as Any })")
        #expect(reports[0].targetRate == 100, "each worker takes rate/N")
        #expect(throws: LoadGenError.self) {
            var bad = config(cluster, rate: 1, duration: .seconds(1))
            bad.workers = 2
            bad.workerIndex = 2
            return try LoadGenerator(config: bad, logger: quiet)
        }
    }
}
