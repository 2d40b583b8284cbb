import Foundation
import HTTP

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

/// Builds Cloud Storage JSON API (`storage` v1) calls: listing objects, and the three upload kinds at
/// `upload/storage/v1/b/{bucket}/o`. `root` replaces `https://storage.googleapis.com/` for tests.
public struct StorageAPI: Sendable {
    public let root: String

    public init(root: String? = nil) {
        self.root = VertexAPI.normalized(root ?? "https://storage.googleapis.com/")
    }

    static let queryValueAllowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#"))
    static let pathSegmentAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))

    private func query(_ items: [(String, String?)]) -> String {
        let pairs = items.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: Self.queryValueAllowed) ?? $0)" }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    private func bucketPath(_ bucket: String) -> String {
        bucket.addingPercentEncoding(withAllowedCharacters: Self.pathSegmentAllowed) ?? bucket
    }

    public func listObjects(bucket: String, prefix: String, pageToken: String?) -> GoogleRESTCall {
        GoogleRESTCall(
            method: .get,
            url: root + "storage/v1/b/\(bucketPath(bucket))/o" + query([("prefix", prefix), ("pageToken", pageToken)]))
    }

    /// One request with the metadata and the bytes (`uploadType=multipart`), for small files.
    public func multipartUpload(bucket: String, object: StorageObject, contents: Data) throws -> GoogleRESTCall {
        let boundary = "image-pipeline-\(UUID().uuidString)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var body = Data("--\(boundary)\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".utf8)
        body += try encoder.encode(object)
        body += Data("\r\n--\(boundary)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += contents
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        return GoogleRESTCall(
            method: .post,
            url: root + "upload/storage/v1/b/\(bucketPath(bucket))/o" + query([("uploadType", "multipart")]), body: body,
            headers: [HTTPHeader("Content-Type", "multipart/related; boundary=\(boundary)")])
    }

    /// Starts a resumable upload; the answer's `Location` header is the session URI the bytes go to.
    public func startResumableUpload(bucket: String, object: StorageObject, size: Int64) throws -> GoogleRESTCall {
        var call = try GoogleRESTCall(
            method: .post,
            url: root + "upload/storage/v1/b/\(bucketPath(bucket))/o" + query([("uploadType", "resumable")]),
            json: object)
        call.headers = [
            HTTPHeader("X-Upload-Content-Type", "application/octet-stream"),
            HTTPHeader("X-Upload-Content-Length", "\(size)"),
        ]
        return call
    }

    /// Bytes `offset..<offset+chunk.count` of `total`; the total is only named with the last chunk.
    public func uploadChunk(session: String, chunk: Data, offset: Int64, total: Int64) -> GoogleRESTCall {
        let last = offset + Int64(chunk.count) - 1
        let range = chunk.isEmpty ? "bytes */\(total)" : "bytes \(offset)-\(last)/\(last + 1 == total ? "\(total)" : "*")"
        return GoogleRESTCall(
            method: .put, url: session, body: chunk,
            headers: [HTTPHeader("Content-Range", range), HTTPHeader("Content-Type", "application/octet-stream")])
    }

    /// Asks how much of a resumable upload the server holds: it answers 308 with `Range: bytes=0-N`.
    public func uploadStatus(session: String, total: Int64) -> GoogleRESTCall {
        GoogleRESTCall(
            method: .put, url: session, body: Data(), headers: [HTTPHeader("Content-Range", "bytes */\(total)")])
    }
}

/// The parts of a Cloud Storage `Object` this project reads and writes.
public struct StorageObject: Codable, Sendable, Equatable {
    public var name: String
    /// Bytes, as a decimal string (Google's JSON mapping of uint64).
    public var size: String?
    /// Base64 of the big-endian CRC32C; sent with an upload so that Cloud Storage checks what it received.
    public var crc32c: String?
    public var md5Hash: String?

    public init(name: String, size: String? = nil, crc32c: String? = nil) {
        self.name = name
        self.size = size
        self.crc32c = crc32c
    }
}

struct StorageObjectList: Decodable {
    var items: [StorageObject]?
    var nextPageToken: String?
}
