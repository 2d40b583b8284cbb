import CheckedNumbers
import PipelineConfig

/// The open-loop schedule: message *i* is due at a fixed offset from the start, whatever happened before, so a
/// slow broker shows up as latency and lag instead of silently lowering the rate (no coordinated omission).
///
/// A pure value: `dueOffset(of:)` is all the sender asks, and tests check it without clocks.
public struct LoadSchedule: Sendable, Equatable {
    public let stages: [LoadStage]
    /// Stop after this many messages even if time remains (`--count`).
    public let maximumCount: UInt64?

    /// Messages each stage sends, and the offset each stage starts at.
    private let stageCounts: [UInt64]
    private let stageStarts: [Duration]

    public init(stages: [LoadStage], maximumCount: UInt64? = nil) {
        self.stages = stages
        self.maximumCount = maximumCount
        var counts: [UInt64] = []
        var starts: [Duration] = []
        var start = Duration.zero
        for stage in stages {
            starts.append(start)
            // Within maximumRate and Duration.longestAccepted the count fits; beyond them it saturates rather than traps.
            counts.append(
                stage.rate > 0
                    ? UInt64(clamping: stage.rate * stage.duration.secondsValue, rounding: .down) ?? 0 : UInt64.max)
            start += stage.duration
        }
        stageCounts = counts
        stageStarts = starts
    }

    /// A constant rate for a duration (`--rate R --duration D`), or for a count (`--rate R --count N`).
    public static func constant(rate: Double, duration: Duration?, count: UInt64?) -> LoadSchedule {
        let length: Duration =
            duration
            ?? (rate > 0 && count != nil
                ? (Duration(checkingSeconds: Double(count!) / rate) ?? .longestAccepted) + .nanoseconds(1)
                : .seconds(365 * 86_400))
        return LoadSchedule(stages: [LoadStage(rate: rate, duration: length)], maximumCount: count)
    }

    /// One worker's part of a distributed run: every stage at rate/N, and the count split so the parts add up.
    public func share(workers: Int, index: Int) -> LoadSchedule {
        guard workers > 1 else { return self }
        let count = maximumCount.map { total in
            total / UInt64(workers) + (UInt64(index) < total % UInt64(workers) ? 1 : 0)
        }
        return LoadSchedule(
            stages: stages.map { LoadStage(rate: $0.rate / Double(workers), duration: $0.duration) }, maximumCount: count)
    }

    /// Whether the schedule paces at all: false for rate 0, where "due" means "now".
    public var isPaced: Bool { stages.allSatisfy { $0.rate > 0 } }

    /// The total the schedule will send, when known in advance.
    public var plannedCount: UInt64? {
        let scheduled = stageCounts.reduce(UInt64(0)) { total, count in
            count == .max || total == .max ? .max : total + count
        }
        let planned = min(scheduled, maximumCount ?? .max)
        return planned == .max ? nil : planned
    }

    public var totalDuration: Duration { stages.reduce(.zero) { $0 + $1.duration } }

    /// When message `index` is due, measured from the start; nil once the schedule is over by count.
    /// Unpaced (rate 0) every message is due at once; the sender then stops on `totalDuration`.
    public func dueOffset(of index: UInt64) -> Duration? {
        if let maximumCount, index >= maximumCount { return nil }
        var first: UInt64 = 0
        for (stageIndex, stage) in stages.enumerated() {
            let count = stageCounts[stageIndex]
            if count == .max || index < first + count {
                guard stage.rate > 0 else { return stageStarts[stageIndex] }
                return stageStarts[stageIndex] + .seconds(Double(index - first) / stage.rate)
            }
            first += count
        }
        return nil
    }

    /// The fastest rate a schedule takes: one image per nanosecond, the clock's resolution. With it and
    /// `Duration.longestAccepted` every planned count fits a `UInt64`.
    public static let maximumRate: Int64 = 1_000_000_000

    /// Why `rate` (images per second, from `flag`) cannot be scheduled, or nil when it can.
    public static func problem(withRate rate: Double, flag: String) -> String? {
        if !(rate >= 0 && rate.isFinite) {
            return "\(flag) \(rate) is not a rate: pass 0 (as fast as possible) or a positive number of images per second"
        }
        if rate > Double(maximumRate) {
            return "\(flag) \(rate) is faster than any run can be (at most \(maximumRate) images per second)"
        }
        return nil
    }

    /// Parses `--ramp 100:10s,1000:30s`: each stage a rate and how long it is held.
    public static func parseRamp(_ text: String) throws(LoadGenError) -> [LoadStage] {
        var stages: [LoadStage] = []
        for part in text.split(separator: ",") {
            let fields = part.split(separator: ":")
            guard fields.count == 2, let rate = Double(fields[0]), rate.isFinite else {
                throw LoadGenError("ramp stage '\(part)' is not rate:duration (for example 100:10s)")
            }
            guard rate > 0 else {
                throw LoadGenError("ramp stage '\(part)' needs a rate above 0 (as-fast-as-possible is --rate 0, not a stage)")
            }
            if let problem = problem(withRate: rate, flag: "ramp stage '\(part)': rate") { throw LoadGenError(problem) }
            let duration: Duration
            do {
                duration = try parseDuration(String(fields[1]))
            } catch {
                throw LoadGenError("ramp stage '\(part)': \(error)")
            }
            guard duration > .zero else { throw LoadGenError("ramp stage '\(part)' has no duration") }
            stages.append(LoadStage(rate: rate, duration: duration))
        }
        guard !stages.isEmpty else { throw LoadGenError("--ramp needs at least one rate:duration stage") }
        return stages
    }
}
