import ArgumentParser
import PipelineConfig

/// The one way a tool reads a duration flag such as `10s` or `250ms`, over the configuration's `parseDuration`:
/// text that is not one, or is longer than any run can be, is a usage error naming the flag, the same in every
/// tool: `--duration 9999999999999999999s is longer than any run can be (at most 876600h)`.
public func parseDuration(_ text: String, flag: String) throws -> Duration {
    do {
        return try parseDuration(text)
    } catch {
        throw ValidationError("\(flag) \(text) \(error.reason)")
    }
}

/// As `parseDuration(_:flag:)`, and the duration must be above zero.
public func parsePositiveDuration(_ text: String, flag: String) throws -> Duration {
    let duration = try parseDuration(text, flag: flag)
    guard duration > .zero else { throw ValidationError("Please pass a \(flag) above 0.") }
    return duration
}
