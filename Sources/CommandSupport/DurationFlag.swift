import ArgumentParser
import PipelineConfig

/// Reads a duration flag such as `10s` or `250ms`; text that is not one, or is longer than any run can be, is a
/// usage error naming the flag: `--duration 9999999999999999999s is longer than any run can be (at most 876600h)`.
public func parseDuration(_ text: String, flag: String) throws -> Duration {
    do {
        return try parseDuration(text)
    } catch {
        throw ValidationError("\(flag) \(text) \(error.reason)")
    }
}
