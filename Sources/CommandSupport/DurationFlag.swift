import ArgumentParser
import PipelineConfig

/// Reads a duration flag such as `10s` or `250ms`; text that is not one is a usage error naming the flag.
public func parseDuration(_ text: String, flag: String) throws -> Duration {
    do {
        return try parseDuration(text)
    } catch {
        throw ValidationError("Please pass \(flag) as a duration such as 10s: \(error)")
    }
}
