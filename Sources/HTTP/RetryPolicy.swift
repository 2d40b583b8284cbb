import CheckedNumbers
import Foundation

/// How often to try a request again, and how long to wait: exponential backoff with jitter, or the server's own
/// `Retry-After` when it sends one. Which failures are worth another attempt is not the policy's to say: only
/// `.retriable` ones (`FailureKind`) are.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included. Default: 5. 1 turns retries off.
    public var maxAttempts: Int
    /// Wait before the second attempt, doubling after each. Default: 200 ms.
    public var initialBackoff: Duration
    /// The longest wait between attempts, `Retry-After` included. Default: 20 s.
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(20)) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait after failed attempt number `attempt` (1-based). Without `retryAfter` it is the exponential
    /// backoff scaled by `jitter` in 0.5...1 ("equal jitter"), so that many clients do not retry in step.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, jitter: Double) -> Duration {
        if let retryAfter {
            return min(max(retryAfter, .zero), maxBackoff)
        }
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let backoff = min(initialBackoff * pow(2, exponent), maxBackoff)
        return backoff * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    /// Reads `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3). A peer may send anything: a
    /// negative number, NaN or text gives nil (the caller falls back to its backoff); a huge number or `inf` means
    /// "wait long", which `delay(afterAttempt:retryAfter:jitter:)` clamps to `maxBackoff`.
    public static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) {
            return seconds >= 0 ? Duration(clampingSeconds: seconds) : nil
        }
        guard let date = parseHTTPDate(value) else { return nil }
        return Duration(clampingSeconds: max(0, date.timeIntervalSince(now)))
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7), the one form senders must use: `Sun, 06 Nov 1994 08:49:37 GMT`. Read by
    /// hand: Foundation's DateFormatter stops the process on some non-ASCII input (found by `make fuzz`), and a
    /// peer's header must never do that. The obsolete forms give nil, so the caller uses its own backoff.
    static func parseHTTPDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[25...] == Array(" GMT".utf8)[...],
            [4, 7, 11, 16].allSatisfy({ bytes[$0] == UInt8(ascii: " ") }), bytes[19] == UInt8(ascii: ":"),
            bytes[22] == UInt8(ascii: ":"),
            let month = months.firstIndex(of: String(decoding: bytes[8..<11], as: UTF8.self)),
            let day = number(bytes[5..<7]), let year = number(bytes[12..<16]), let hour = number(bytes[17..<19]),
            let minute = number(bytes[20..<22]), let second = number(bytes[23..<25]),
            (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        // Days from 1970-01-01 to the date, in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let y = month < 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 10) % 12) + 2) / 5 + day - 1  // month is 0-based, March first
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
