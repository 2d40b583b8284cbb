@testable import LoadGen
import Testing

struct RateSearchTests {
    static func step(_ rate: Double, passes: Bool) -> RateSearch.Step {
        let latency = LatencySummary(p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1, count: 1)
        return RateSearch.Step(
            rate: rate, achievedRate: rate, latencyMilliseconds: latency, endToEndLatencyMilliseconds: nil, failed: 0,
            thresholds: [], passed: passes)
    }

    /// Runs a search against a system whose limit is `limit`.
    static func search(_ search: RateSearch, limit: Double) -> RateSearch {
        var search = search
        while let rate = search.nextRate { search.record(step(rate, passes: rate <= limit)) }
        return search
    }

    @Test func probesUpThenBisectsToTheLimit() {
        let done = Self.search(RateSearch(startRate: 100, maximumSteps: 20, resolution: 0.05), limit: 330)
        #expect(done.steps.map(\.rate) == [100, 200, 400, 300, 350, 325, 337.5, 325], "the answer is run twice")
        #expect(done.result.rate == 325 && done.result.confirmed)
        #expect(done.result.lastPassingRate == 325 && done.result.firstFailingRate == 337.5)
    }

    @Test func probesDownWhenTheStartFails() {
        let done = Self.search(RateSearch(startRate: 1000, maximumSteps: 20, resolution: 0.1), limit: 180)
        #expect(Array(done.steps.map(\.rate).prefix(4)) == [1000, 500, 250, 125])
        let result = done.result
        #expect(result.lastPassingRate! <= 180 && result.firstFailingRate! > 180)
        #expect(result.firstFailingRate! - result.lastPassingRate! <= 0.1 * result.lastPassingRate!)
    }

    @Test func anAnswerThatFailsItsRepeatIsNotTheAnswer() {
        var search = RateSearch(startRate: 100, maximumSteps: 20, resolution: 0.3)
        // Passes at 100 and 200, fails at 400, passes 300 once (luck), then fails it on the repeat.
        let verdicts: [Double: [Bool]] = [100: [true], 200: [true], 400: [false], 300: [true, false], 250: [true, true]]
        var seen: [Double: Int] = [:]
        while let rate = search.nextRate {
            let attempt = seen[rate, default: 0]
            seen[rate] = attempt + 1
            search.record(Self.step(rate, passes: verdicts[rate]?[min(attempt, (verdicts[rate]?.count ?? 1) - 1)] ?? false))
        }
        #expect(search.steps.map(\.rate) == [100, 200, 400, 300, 350, 300, 250, 250])
        #expect(search.result.rate == 250 && search.result.firstFailingRate == 300 && search.result.confirmed)
    }

    @Test func stepsAndRangeAreBounded() {
        #expect(Self.search(RateSearch(startRate: 100, maximumSteps: 3), limit: 1e9).steps.count == 3)
        let capped = Self.search(RateSearch(startRate: 100, maximumRate: 300, maximumSteps: 10), limit: 1e9)
        #expect(capped.steps.map(\.rate) == [100, 200, 300])
        #expect(capped.result.limitedByMaximum)
        let hopeless = Self.search(RateSearch(startRate: 8, minimumRate: 1, maximumSteps: 10), limit: 0.5)
        #expect(hopeless.steps.map(\.rate) == [8, 4, 2, 1])
        #expect(hopeless.result.rate == nil)
    }
}
