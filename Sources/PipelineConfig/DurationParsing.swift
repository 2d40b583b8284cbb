import CheckedNumbers
import Failure

/// Parses durations written the way Go, Kubernetes and most load tools write them: `250ms`, `30s`, `5m`, `1h`,
/// `1m30s`, `1.5s`. A bare number is refused, since its unit would be a guess, and so is anything longer than
/// `Duration.longestAccepted` (100 years), so that no caller can overflow converting it.
public func parseDuration(_ text: String) throws(DurationParseError) -> Duration {
    let attosecondsPerUnit: [Substring: Int128] = [
        "ns": 1_000_000_000, "us": 1_000_000_000_000, "µs": 1_000_000_000_000, "ms": 1_000_000_000_000_000,
        "s": 1_000_000_000_000_000_000, "m": 60_000_000_000_000_000_000, "h": 3_600_000_000_000_000_000_000,
    ]
    let longest = Duration.longestAccepted.attoseconds
    var rest = Substring(text).drop { $0 == " " }
    guard !rest.isEmpty else { throw DurationParseError(.empty, text: text, reason: "is empty") }
    var total: Int128 = 0
    while !rest.isEmpty {
        let number = rest.prefix { $0.isNumber || $0 == "." }
        rest = rest.dropFirst(number.count)
        let unit = rest.prefix { !$0.isNumber && $0 != "." }
        guard let scale = attosecondsPerUnit[unit.trimmingSuffix(" ")] else {
            guard !number.isEmpty else {
                throw DurationParseError(.notANumber, text: text, reason: "does not start with a number")
            }
            throw DurationParseError(
                unit.isEmpty ? .missingUnit : .unknownUnit, text: text,
                reason: unit.isEmpty ? "has no unit (use ms, s, m or h)" : "has unknown unit '\(unit)' (use ms, s, m or h)")
        }
        rest = rest.dropFirst(unit.count)
        // Whole units in integer attoseconds, so `876600h` is exact; only the fraction goes through a Double.
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let wholeText = parts[0]
        let fractionText = parts.count > 1 ? parts[1] : ""
        guard !(wholeText.isEmpty && fractionText.isEmpty), wholeText.allSatisfy(\.isASCII),
            let fraction = fractionText.isEmpty ? 0 : Double("0." + fractionText), fractionText.allSatisfy(\.isASCII)
        else {
            throw DurationParseError(.notANumber, text: text, reason: "does not start with a number")
        }
        guard let whole = wholeText.isEmpty ? 0 : Int128(wholeText),
            case let (wholeAttoseconds, overflow) = whole.multipliedReportingOverflow(by: scale), !overflow,
            let fractionAttoseconds = Int128(checking: fraction * Double(scale), rounding: .toNearestOrEven),
            case let term = wholeAttoseconds + fractionAttoseconds, term <= longest, total <= longest - term
        else {
            throw DurationParseError(.tooLong, text: text, reason: DurationParseError.tooLong)
        }
        total += term
    }
    return Duration(attoseconds: total)
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var result = self
        while result.last == character { result = result.dropLast() }
        return result
    }
}

/// A duration flag or setting that `parseDuration` refuses, such as `duration '5' has no unit (use ms, s, m or h)`.
public struct DurationParseError: PipelineError {
    public enum Code: String, CustomStringConvertible, Hashable, Sendable {
        case empty
        case notANumber = "not_a_number"
        case missingUnit = "missing_unit"
        case unknownUnit = "unknown_unit"
        case tooLong = "too_long"

        public var description: String { rawValue }
    }

    public let code: Code
    public let text: String
    public let reason: String

    init(_ code: Code, text: String, reason: String) {
        self.code = code
        self.text = text
        self.reason = reason
    }

    /// Input: the same text is refused again.
    public var failureKind: FailureKind { .permanent }
    public var isBadInput: Bool { true }

    public var description: String { "duration '\(text)' \(reason)" }

    static let tooLong = "is longer than any run can be (at most \(formatDuration(.longestAccepted)))"
}

/// Formats a duration the way `parseDuration` reads it: `1h5m`, `30s`, `250ms`.
public func formatDuration(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    if milliseconds == 0 { return "0s" }
    if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
    var rest = milliseconds / 1000
    var text = ""
    if rest >= 3600 {
        text += "\(rest / 3600)h"
        rest %= 3600
    }
    if rest >= 60 {
        text += "\(rest / 60)m"
        rest %= 60
    }
    if rest > 0 { text += "\(rest)s" }
    return text
}
