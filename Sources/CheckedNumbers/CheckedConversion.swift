/// Conversions from `Double` for numbers that come from outside: a flag, a file, a peer's header. Swift's own
/// `Int64(x)` and `Duration.seconds(x)` stop the process when `x` is NaN, infinite or out of range; these return
/// nil instead, so that the caller can name the input and its unit in a one-line error.
extension FixedWidthInteger {
    /// `value` rounded by `rule`, or nil when it is NaN, infinite or does not fit this type.
    public init?(checking value: Double, rounding rule: FloatingPointRoundingRule = .towardZero) {
        // `init(exactly:)` answers nil for every value outside the type's range, NaN and the infinities included.
        guard let exact = Self(exactly: value.rounded(rule)) else { return nil }
        self = exact
    }

    /// `value` rounded by `rule` and clamped to this type's range; NaN gives nil.
    public init?(clamping value: Double, rounding rule: FloatingPointRoundingRule = .towardZero) {
        guard !value.isNaN else { return nil }
        if let exact = Self(checking: value, rounding: rule) {
            self = exact
        } else {
            self = value < 0 ? .min : .max
        }
    }
}

extension Duration {
    /// The longest duration any input may name: 100 years (876600h). Every duration up to it still fits in whole
    /// nanoseconds in an `Int64`, in milliseconds in a C `long`, and as an event count at one event per
    /// nanosecond (`LoadSchedule.maximumRate`) in a `UInt64`, so code downstream never has to check again.
    public static let longestAccepted: Duration = .seconds(100 * 365 * 86_400 + 25 * 86_400)

    /// `seconds` as a duration, or nil when it is NaN, infinite, or longer (either way) than `longestAccepted`.
    public init?(checkingSeconds seconds: Double) {
        guard seconds.isFinite, abs(seconds) <= Duration.longestAccepted.secondsValue else { return nil }
        // Checked conversions cannot fail here: the bound above keeps both parts far inside Int64.
        let whole = seconds.rounded(.towardZero)
        guard let wholeSeconds = Int64(checking: whole),
            let attoseconds = Int64(checking: (seconds - whole) * 1e18, rounding: .toNearestOrEven)
        else { return nil }
        self.init(secondsComponent: wholeSeconds, attosecondsComponent: attoseconds)
    }

    /// `seconds` as a duration clamped to ±`longestAccepted`; NaN gives nil. For values a peer sends, such as
    /// `Retry-After`, where "very long" has a sensible meaning and the caller clamps again to its own maximum.
    public init?(clampingSeconds seconds: Double) {
        guard !seconds.isNaN else { return nil }
        self = Duration(checkingSeconds: seconds) ?? (seconds < 0 ? .zero - .longestAccepted : .longestAccepted)
    }

    /// Whole milliseconds (toward zero), saturating at the ends of `Int64` instead of trapping: the one conversion
    /// for C timeouts (librdkafka's `int`, libcurl's `long`), which clamp again to their own type.
    public var saturatingMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (total, overflowAgain) = milliseconds.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflowAgain ? (attoseconds < 0 ? .min : .max) : total
    }

    /// As a floating-point number of seconds: the one conversion for rates, reports and metrics.
    public var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
