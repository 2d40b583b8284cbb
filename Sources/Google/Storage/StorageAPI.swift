import Foundation
import HTTP

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
