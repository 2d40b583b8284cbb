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

/// `--wait-timeout`, or its old name `--timeout` (with the deprecation warning; both at once is a usage error).
public func parseWaitTimeout(_ waitTimeout: Defaulted<String>, old: String?) throws -> Duration {
    let (given, flag) = try Deprecation.option(waitTimeout.given, "--wait-timeout", old: old, "--timeout")
    return try parseDuration(given ?? waitTimeout.value, flag: flag)
}
