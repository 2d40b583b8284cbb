@testable import LoadGen
import CheckedNumbers
import Failure
import Testing

struct LoadScheduleTests {
    @Test(arguments: [
        (1000.0, UInt64(0), Duration.zero), (1000, 1, .milliseconds(1)), (1000, 2500, .milliseconds(2500)),
        (0.5, 1, .seconds(2)), (2.5, 5, .seconds(2)), (3, 1, .nanoseconds(333_333_333)),
    ])
    func messageIIsDueAtIOverRate(rate: Double, index: UInt64, due: Duration) throws {
        let schedule = LoadSchedule.constant(rate: rate, duration: .seconds(3600), count: nil)
        let offset = try #require(schedule.dueOffset(of: index))
        #expect(abs((offset - due).secondsValue) < 1e-6)
    }

    @Test func durationAndCountBoundTheRun() {
        let byDuration = LoadSchedule.constant(rate: 200, duration: .seconds(3), count: nil)
        #expect(byDuration.plannedCount == 600)
        #expect(byDuration.dueOffset(of: 599) != nil)
        #expect(byDuration.dueOffset(of: 600) == nil)

        let byCount = LoadSchedule.constant(rate: 100, duration: nil, count: 250)
        #expect(byCount.plannedCount == 250)
        #expect(byCount.dueOffset(of: 249) == .seconds(2.49))
        #expect(byCount.dueOffset(of: 250) == nil)

        let both = LoadSchedule.constant(rate: 100, duration: .seconds(10), count: 5)
        #expect(both.plannedCount == 5)
    }

    @Test func asFastAsPossibleIsDueAtOnce() {
        let schedule = LoadSchedule.constant(rate: 0, duration: .seconds(5), count: nil)
        #expect(!schedule.isPaced)
        #expect(schedule.dueOffset(of: 123_456) == .zero)
        #expect(schedule.plannedCount == nil)
        #expect(LoadSchedule.constant(rate: 0, duration: nil, count: 10).dueOffset(of: 10) == nil)
    }

    @Test func rampStagesFollowOneAnother() throws {
        let stages = try LoadSchedule.parseRamp("100:10s,1000:30s")
        #expect(stages == [LoadStage(rate: 100, duration: .seconds(10)), LoadStage(rate: 1000, duration: .seconds(30))])
        let schedule = LoadSchedule(stages: stages)
        #expect(schedule.plannedCount == 1000 + 30_000)
        #expect(schedule.dueOffset(of: 999) == .seconds(9.99))
        #expect(schedule.dueOffset(of: 1000) == .seconds(10))
        #expect(schedule.dueOffset(of: 1500) == .seconds(10.5))
        #expect(schedule.dueOffset(of: 31_000) == nil)
        #expect(schedule.totalDuration == .seconds(40))
    }

    @Test func workersShareRateAndCount() {
        let total = LoadSchedule.constant(rate: 900, duration: nil, count: 10)
        let shares = (0..<3).map { total.share(workers: 3, index: $0) }
        #expect(shares.map(\.maximumCount) == [4, 3, 3])
        #expect(shares.allSatisfy { $0.stages.first?.rate == 300 })
        #expect(total.share(workers: 1, index: 0) == total)
    }

    @Test(arguments: ["", "100", "100:", "fast:10s", "100:10", "100:10x", "0:10s", "-5:10s"])
    func badRampsAreRejected(text: String) {
        let error = #expect(throws: LoadGenError.self) { try LoadSchedule.parseRamp(text) }
        #expect(error?.code == .invalidInput && error?.failureKind == .permanent)
    }
}

struct ThresholdTests {
    @Test func parsesAndEvaluates() throws {
        let report = sampleReport(p99: 12.5, failed: 0, rate: 995)
        #expect(try Threshold(parsing: "p99<50ms").evaluate(report).passed)
        #expect(try !Threshold(parsing: "p99 < 10ms").evaluate(report).passed)
        #expect(try Threshold(parsing: "p99<=0.0125s").evaluate(report).passed)
        #expect(try Threshold(parsing: "rate>=990").evaluate(report).passed)
        #expect(try Threshold(parsing: "failed==0").evaluate(report).passed)
        #expect(try !Threshold(parsing: "e2e_p99<1s").evaluate(report).passed, "an unmeasured metric fails")
    }

    @Test(arguments: ["p99", "p99<50", "p99<fast", "latency<5ms", "rate>=many", "p99~5ms"])
    func badThresholdsAreRejected(text: String) {
        #expect(throws: LoadGenError.self) { try Threshold(parsing: text) }
    }
}

func sampleReport(p99: Double, failed: UInt64, rate: Double) -> LoadReport {
    let latency = LatencySummary(p50: p99 / 2, p90: p99 * 0.9, p99: p99, p999: p99, max: p99 * 2, mean: p99 / 2, count: 100)
    return LoadReport(
        runID: "run", topic: "images", startedAt: "2026-11-24T00:00:00Z", targetRate: 1000, achievedRate: rate,
        sent: 100, delivered: 100 - failed, failed: failed, failures: [:], bytesDelivered: 1000, durationSeconds: 1, elapsedSeconds: 1,
        warmupSeconds: 0, latencyMilliseconds: latency, serviceTimeMilliseconds: latency,
        scheduleLagMilliseconds: LagSummary(p50: 0.01, p99: 0.2, max: 0.5), lateSends: 0, interrupted: false,
        verify: nil, endToEndLatencyMilliseconds: nil, endToEndReceived: nil, thresholds: [],
        image: .init(source: "pool", width: 224, height: 224, quality: 90, meanBytes: 10),
        librdkafka: "2.0.2")
}

struct ThresholdEndToEndTests {
    @Test func endToEndCountsAreRead() throws {
        var report = sampleReport(p99: 1, failed: 0, rate: 1)
        report.endToEndReceived = 4000
        let result = try Threshold(parsing: "e2e_received>=1").evaluate(report)
        #expect(result.actual == 4000)
        #expect(result.passed)
    }
}
