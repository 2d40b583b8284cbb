import CheckedNumbers
import Foundation

/// When to try a request again, and how long to wait: exponential backoff with jitter, or the server's own
/// `Retry-After` when it sends one.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included. Default: 5. 1 turns retries off.
    public var maxAttempts: Int
    /// Wait before the second attempt, doubling after each. Default: 200 ms.
    public var initialBackoff: Duration
    /// The longest wait between attempts, `Retry-After` included. Default: 20 s.
    public var maxBackoff: Duration
    /// Statuses worth retrying. Default: 429 and every 5xx but 501 (not implemented) and 505.
    public var retriableStatuses: Set<Int>

    public init(
        maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(20),
        retriableStatuses: Set<Int> = Set([429]).union(Set(500...599).subtracting([501, 505]))
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.retriableStatuses = retriableStatuses
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
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return Duration(clampingSeconds: max(0, date.timeIntervalSince(now)))
    }
}
