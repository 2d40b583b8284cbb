import Foundation

/// A folder in Cloud Storage: `gs://bucket/prefix/`.
public struct StorageLocation: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// Empty, or ends with `/`.
    public var prefix: String

    /// Reads `gs://bucket/path/`; nil when it is not one.
    public init?(_ uri: String) {
        guard uri.hasPrefix("gs://") else { return nil }
        let rest = uri.dropFirst(5)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bucket = parts.first, !bucket.isEmpty else { return nil }
        self.bucket = String(bucket)
        var prefix = parts.count > 1 ? String(parts[1]) : ""
        if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
        self.prefix = prefix
    }

    public var description: String { "gs://\(bucket)/\(prefix)" }
}
