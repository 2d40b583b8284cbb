import ArgumentParser
import Foundation
import Synchronization

/// Flags and environment variables renamed for one vocabulary across the tools (issue 15). The old spellings that
/// users may have in scripts keep working for now, hidden from `--help`, and each use prints one line on standard
/// error naming the new spelling.
public enum Deprecation {
    /// Prints `warning: <old> is deprecated; use <new>` on standard error, once per process and old name
    /// (a value may be read both when checking and when running).
    public static func warn(_ old: String, use new: String) {
        guard warned.withLock({ $0.insert(old).inserted }) else { return }
        FileHandle.standardError.write(Data("warning: \(old) is deprecated; use \(new)\n".utf8))
    }

    private static let warned = Mutex(Set<String>())

    /// The value of a renamed flag: the new spelling's, else the old one's (with the warning). Both at once is a
    /// usage error. Returns the spelling the user typed too, so that later messages name it.
    public static func option<Value>(
        _ value: Value?, _ name: String, old oldValue: Value?, _ oldName: String
    ) throws -> (value: Value?, flag: String) {
        guard let oldValue else { return (value, name) }
        guard value == nil else { throw ValidationError("Please pass \(name) only; \(oldName) is its old name.") }
        warn(oldName, use: name)
        return (oldValue, oldName)
    }

    /// A renamed environment variable: the new name's value, else the old name's (with the warning).
    public static func variable(
        _ name: String, old oldName: String, in environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        guard let value = environment[oldName], !value.isEmpty else { return nil }
        warn("$\(oldName)", use: "$\(name)")
        return value
    }
}
