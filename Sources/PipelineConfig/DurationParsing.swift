/// Parses durations written the way Go, Kubernetes and most load tools write them: `250ms`, `30s`, `5m`, `1h`,
/// `1m30s`, `1.5s`. A bare number is refused, since its unit would be a guess.
public func parseDuration(_ text: String) throws(DurationParseError) -> Duration {
    let attosecondsPerUnit: [Substring: Double] = [
        "ns": 1e9, "us": 1e12, "µs": 1e12, "ms": 1e15, "s": 1e18, "m": 60e18, "h": 3600e18,
    ]
    var rest = Substring(text).drop { $0 == " " }
    guard !rest.isEmpty else { throw DurationParseError(text: text, reason: "is empty") }
    var total = Duration.zero
    while !rest.isEmpty {
        let number = rest.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let value = Double(number) else {
            throw DurationParseError(text: text, reason: "does not start with a number")
        }
        rest = rest.dropFirst(number.count)
        let unit = rest.prefix { !$0.isNumber && $0 != "." }
        guard let scale = attosecondsPerUnit[unit.trimmingSuffix(" ")] else {
            throw DurationParseError(
                text: text,
                reason: unit.isEmpty ? "has no unit (use ms, s, m or h)" : "has unknown unit '\(unit)' (use ms, s, m or h)")
        }
        rest = rest.dropFirst(unit.count)
        let attoseconds = value * scale
        total += Duration(
            secondsComponent: Int64(attoseconds / 1e18),
            attosecondsComponent: Int64(attoseconds.truncatingRemainder(dividingBy: 1e18)))
    }
    return total
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var result = self
        while result.last == character { result = result.dropLast() }
        return result
    }
}

public struct DurationParseError: Error, CustomStringConvertible, Sendable {
    public let text: String
    public let reason: String

    public var description: String { "duration '\(text)' \(reason)" }
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
