import Foundation
import Logging

/// Finds the highest rate that meets a run's thresholds with a bounded number of fixed-rate steps: an
/// exponential probe (double the rate until a step fails, or halve it until one passes), then bisection between
/// the last passing and the first failing rate until they are within `resolution` of each other, then one more
/// step at the answer: near the limit a pass can be luck, so the answer is a rate that passed twice (if the
/// repeat fails, it becomes the first failing rate and the bisection goes on below it).
///
/// A pure value: `nextRate` decides, `record` learns, so the strategy is tested without running anything.
public struct RateSearch: Sendable {
    public struct Step: Codable, Sendable, Equatable {
        public var rate: Double
        public var achievedRate: Double
        public var latencyMilliseconds: LatencySummary
        public var endToEndLatencyMilliseconds: LatencySummary?
        public var failed: UInt64
        public var thresholds: [ThresholdResult]
        public var passed: Bool

        enum CodingKeys: String, CodingKey {
            case rate
            case achievedRate = "achieved_rate"
            case latencyMilliseconds = "latency_ms"
            case endToEndLatencyMilliseconds = "e2e_latency_ms"
            case failed, thresholds, passed
        }
    }

    public let startRate: Double
    public let maximumRate: Double?
    public let minimumRate: Double
    public let maximumSteps: Int
    /// Bisection stops when the first failing rate is within this fraction of the last passing one.
    public let resolution: Double
    public private(set) var steps: [Step] = []
    public private(set) var lastPass: Double?
    public private(set) var firstFail: Double?
    /// Whether `lastPass` passed a second time.
    public private(set) var confirmed = false

    public init(startRate: Double, maximumRate: Double? = nil, minimumRate: Double = 1, maximumSteps: Int = 10, resolution: Double = 0.05) {
        self.startRate = startRate
        self.maximumRate = maximumRate
        self.minimumRate = minimumRate
        self.maximumSteps = maximumSteps
        self.resolution = resolution
    }

    /// The next rate to try, or nil when the search is over.
    public var nextRate: Double? {
        guard steps.count < maximumSteps else { return nil }
        switch (lastPass, firstFail) {
        case (nil, nil):
            return startRate
        case (let pass?, nil):
            guard let maximumRate else { return pass * 2 }
            return pass >= maximumRate ? nil : min(pass * 2, maximumRate)
        case (nil, let fail?):
            let lower = fail / 2
            return lower < minimumRate ? nil : lower
        case (let pass?, let fail?):
            guard fail - pass > resolution * pass else { return confirmed ? nil : pass }
            return ((pass + fail) / 2).rounded(toPlaces: 1)
        }
    }

    public mutating func record(_ step: Step) {
        let repeatsTheAnswer = step.rate == lastPass
        steps.append(step)
        if step.passed {
            if repeatsTheAnswer { confirmed = true }
            lastPass = max(lastPass ?? step.rate, step.rate)
        } else {
            firstFail = min(firstFail ?? step.rate, step.rate)
            // A rate that failed once is not an answer, even if it passed before.
            lastPass = steps.filter { $0.passed && $0.rate < firstFail! }.map(\.rate).max()
            confirmed = false
        }
    }

    /// The search's outcome: the highest passing rate and the interval the true limit lies in.
    public var result: RateSearchResult {
        RateSearchResult(
            rate: lastPass, lastPassingRate: lastPass, firstFailingRate: firstFail, confirmed: confirmed, steps: steps,
            limitedByMaximum: firstFail == nil && lastPass != nil && lastPass == maximumRate)
    }
}

extension RateSearch.Step {
    /// One step's outcome from its run's report, with thresholds already evaluated.
    public init(rate: Double, report: LoadReport) {
        self.init(
            rate: rate, achievedRate: report.achievedRate, latencyMilliseconds: report.latencyMilliseconds,
            endToEndLatencyMilliseconds: report.endToEndLatencyMilliseconds, failed: report.failed,
            thresholds: report.thresholds,
            passed: report.thresholdsPassed && report.failed == 0 && report.verify?.isClean != false)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

extension LoadReporters {
    /// Latency against rate, one point per search step: passing steps green, failing red.
    public static func searchSVG(_ result: RateSearchResult, title: String) -> String {
        let width = 900.0
        let height = 420.0
        let left = 70.0
        let top = 40.0
        let plotWidth = width - left - 170
        let plotHeight = height - top - 70
        let steps = result.steps.sorted { $0.rate < $1.rate }
        let maximumRate = niceCeiling(steps.map(\.rate).max() ?? 1)
        let series: [(String, String, (RateSearch.Step) -> Double?)] = [
            ("latency p50", "#2ca02c", { $0.latencyMilliseconds.p50 }),
            ("latency p99", "#ff7f0e", { $0.latencyMilliseconds.p99 }),
            ("e2e p99", "#9467bd", { $0.endToEndLatencyMilliseconds?.p99 }),
        ]
        let maximumLatency = niceCeiling(steps.flatMap { step in series.compactMap { $0.2(step) } }.max() ?? 1)
        func x(_ rate: Double) -> Double { left + plotWidth * rate / maximumRate }
        func y(_ latency: Double) -> Double { top + plotHeight - plotHeight * min(latency, maximumLatency) / maximumLatency }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="24" font-size="15" font-weight="bold">\(escape(title))</text>
            <rect x="\(left)" y="\(top)" width="\(plotWidth)" height="\(plotHeight)" fill="#fafafa" stroke="#999"/>

            """
        for tick in 0...4 {
            let latency = maximumLatency * Double(tick) / 4
            let rate = maximumRate * Double(tick) / 4
            svg += "<text x=\"\(left - 6)\" y=\"\(format(y(latency) + 4))\" text-anchor=\"end\" font-size=\"11\">\(format(latency))</text>\n"
            svg += "<text x=\"\(format(x(rate)))\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\" font-size=\"11\">\(format(rate))</text>\n"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight + 36)\" text-anchor=\"middle\" font-size=\"12\">images per second</text>\n"
        svg += "<text x=\"16\" y=\"\(top + plotHeight / 2)\" font-size=\"12\" transform=\"rotate(-90 16 \(top + plotHeight / 2))\" text-anchor=\"middle\">latency (ms)</text>\n"
        if let pass = result.lastPassingRate {
            let fail = result.firstFailingRate ?? pass
            svg += "<rect x=\"\(format(x(pass)))\" y=\"\(top)\" width=\"\(format(max(1, x(fail) - x(pass))))\" height=\"\(plotHeight)\" fill=\"#ffe9a8\" opacity=\"0.6\"/>\n"
        }
        for (index, (name, colour, value)) in series.enumerated() {
            let points = steps.compactMap { step in value(step).map { (step, $0) } }
            guard !points.isEmpty else { continue }
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(points.map { "\(format(x($0.0.rate))),\(format(y($0.1)))" }.joined(separator: " "))\"/>\n"
            for (step, latency) in points {
                svg += "<circle cx=\"\(format(x(step.rate)))\" cy=\"\(format(y(latency)))\" r=\"4\" fill=\"\(step.passed ? "#2ca02c" : "#d62728")\" stroke=\"\(colour)\"/>\n"
            }
            let legendY = top + 16 + Double(index) * 18
            svg += "<line x1=\"\(left + plotWidth + 12)\" x2=\"\(left + plotWidth + 32)\" y1=\"\(legendY - 4)\" y2=\"\(legendY - 4)\" stroke=\"\(colour)\" stroke-width=\"3\"/>\n"
            svg += "<text x=\"\(left + plotWidth + 38)\" y=\"\(legendY)\" font-size=\"12\">\(name)</text>\n"
        }
        svg += "<text x=\"\(left + plotWidth + 12)\" y=\"\(top + 80)\" font-size=\"11\">dots: green pass, red fail</text>\n"
        svg += "<text x=\"\(left + plotWidth + 12)\" y=\"\(top + 96)\" font-size=\"11\">band: the limit lies here</text>\n"
        return svg + "</svg>\n"
    }
}

extension RateSearch {
    /// Runs the search to its end: each step a fixed-rate run from `configuration(rate, step number)`, its report's
    /// thresholds evaluated, `onStep` told. `supply` is shared by every step (prepared once).
    public mutating func run(
        thresholds: [Threshold], supply: ImageSupply, logger: Logger,
        configuration: (Double, Int) -> LoadGeneratorConfig, onStep: (Step, Int) -> Void = { _, _ in }
    ) throws {
        while let rate = nextRate {
            let config = configuration(rate, steps.count + 1)
            logger.notice("search step \(steps.count + 1): \(rate)/s for \(config.schedule.totalDuration)")
            var (report, _) = try LoadGenerator(config: config, logger: logger).run(supply: supply)
            report.thresholds = thresholds.map { $0.evaluate(report) }
            let step = Step(rate: rate, report: report)
            record(step)
            onStep(step, steps.count)
        }
    }
}
