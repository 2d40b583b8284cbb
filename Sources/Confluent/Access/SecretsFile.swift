import Foundation

/// An env file holding one program's Kafka credentials, readable only by its owner (mode 0600) in a folder only
/// its owner can enter (0700): the one place an API secret is ever written. `kubectl create secret generic NAME
/// --from-env-file=FILE` turns it into the Secret the manifests expect.
public struct SecretsFile: Sendable {
    public static let keyVariable = "KAFKA_API_KEY"
    public static let secretVariable = "KAFKA_API_SECRET"
    public static let bootstrapVariable = "KAFKA_BOOTSTRAP_SERVERS"

    public let path: String

    public init(directory: String, name: String) {
        path = URL(fileURLWithPath: directory).appendingPathComponent("\(name).env").path
    }

    /// The key and secret in the file, if it exists and has both.
    public func read() -> ConfluentCredentials? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let key = values[Self.keyVariable], let secret = values[Self.secretVariable], !key.isEmpty, !secret.isEmpty
        else { return nil }
        return ConfluentCredentials(apiKey: key, apiSecret: secret)
    }

    /// Replaces the file in one step: written to a new 0600 file beside it, then renamed over it. `settings` are
    /// the other variables the tools read (`KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_ID`, `KAFKA_REST_ENDPOINT`).
    public func write(key: String, secret: String, settings: [(String, String)], comment: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var text = "# \(comment)\n"
        for (name, value) in settings { text += "\(name)=\(value)\n" }
        text += "\(Self.keyVariable)=\(key)\n\(Self.secretVariable)=\(secret)\n"
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw ConfluentError(
                code: .fileNotWritten, operation: "write \(path)", reason: String(cString: strerror(errno)))
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let closed = close(descriptor)
        guard written == bytes.count, closed == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ConfluentError(
                code: .fileNotWritten, operation: "write \(path)", reason: String(cString: strerror(errno)))
        }
    }

    public func remove() {
        unlink(path)
    }
}
