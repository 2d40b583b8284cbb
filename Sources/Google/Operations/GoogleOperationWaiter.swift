import HTTP
import Foundation

/// Polls a long-running operation until it is done, with growing intervals and an overall deadline, and
/// throws the operation's whole error when it fails.
public struct GoogleOperationWaiter: Sendable {
    /// The first wait between polls; doubles up to `maxInterval`. Default: 2 s.
    public var initialInterval: Duration
    /// Default: 30 s.
    public var maxInterval: Duration
    /// Gives up after this long. Default: 60 minutes (a Vertex deployment takes 10 to 30).
    public var timeout: Duration

    public init(
        initialInterval: Duration = .seconds(2), maxInterval: Duration = .seconds(30), timeout: Duration = .seconds(3600)
    ) {
        self.initialInterval = initialInterval
        self.maxInterval = maxInterval
        self.timeout = timeout
    }

    /// Waits for `operation`; `poll` fetches its current state by name, `progress` hears each still-running state.
    public func wait(
        for operation: GoogleOperation, describing what: String,
        poll: (String) async throws -> GoogleOperation,
        progress: (GoogleOperation, Duration) -> Void = { _, _ in }
    ) async throws -> GoogleOperation {
        let clock = ContinuousClock()
        let start = clock.now
        var current = operation
        var interval = initialInterval
        while !current.isDone {
            let elapsed = clock.now - start
            guard elapsed < timeout else {
                throw GoogleError(
                    .operation,
                    "\(what): operation \(current.name) still running after \(timeout); it carries on at Google, "
                        + "check with `model-provision status` or raise --wait-timeout")
            }
            progress(current, elapsed)
            try await Task.sleep(for: min(interval, timeout - elapsed))
            interval = min(interval * 2, maxInterval)
            current = try await poll(current.name)
        }
        if let error = current.error {
            throw GoogleError(.operation, "\(what) failed: operation \(current.name): \(error.summary)")
        }
        return current
    }
}
