import Crypto
import Foundation
import Google
import HTTP
import Synchronization

/// Cloud Storage as the JSON API behaves: listing with pages, `uploadType=media`, `multipart` and `resumable`
/// uploads at `/upload/storage/v1/b/{bucket}/o`, CRC32C checked on arrival. Resumable sessions keep what they
/// received; a 308 names it in `Range`, possibly less than was sent, as Google allows; a chunk that does not start
/// where the server's data ends, or a non-final chunk that is not a multiple of 256 KiB, is a contract violation.
struct StorageState {
    struct StoredObject {
        var data: Data
        var crc32c: String
        var generation: Int
    }

    struct UploadSession {
        var bucket: String
        var metadata: [String: ContractValue]
        var received = Data()
        var finished = false
    }

    var buckets: Set<String> = ["contract-bucket"]
    /// Keyed `bucket/name`.
    var objects: [String: StoredObject] = [:]
    var sessions: [String: UploadSession] = [:]
    /// The next chunk to reach past this many bytes of its upload keeps only the 256 KiB units below it and fails.
    var interruptAt: Int64?
    /// Non-final chunks keep all but their last 256 KiB, and the 308 says so.
    var persistsLessThanSent = false
    var listPageSize = 3
    var ranges: [String] = []
}

extension GoogleContractServer {
    static let quantum = 256 * 1024

    // MARK: What tests inspect and inject

    /// Objects in a bucket, name to contents.
    public func storedObjects(in bucket: String = "contract-bucket") -> [String: Data] {
        store.withLock { store in
            Dictionary(
                uniqueKeysWithValues: store.storage.objects.filter { $0.key.hasPrefix(bucket + "/") }
                    .map { (String($0.key.dropFirst(bucket.count + 1)), $0.value.data) })
        }
    }

    /// Makes the next resumable chunk that goes past `bytes` of its file fail with 503, keeping what lies below.
    public func interruptUpload(atByte bytes: Int64) { store.withLock { $0.storage.interruptAt = bytes } }
    /// Makes every 308 hold back the last 256 KiB of the chunk, as Cloud Storage may.
    public func persistLessThanSent() { store.withLock { $0.storage.persistsLessThanSent = true } }
    /// Removes the bucket, as if it had never been created.
    public func removeBucket(_ name: String) { store.withLock { _ = $0.storage.buckets.remove(name) } }
    /// Byte ranges (`bytes a-b/t`) that resumable chunks declared, in order.
    public var uploadedRanges: [String] { store.withLock { $0.storage.ranges } }

    // MARK: Handling

    func storage(_ request: ServerRequest) -> ServerResponse {
        if request.path.hasPrefix("/upload/") {
            return request.method == "PUT" ? uploadChunk(request) : startUpload(request)
        }
        let path = String(request.path.dropFirst("/storage/v1/".count))
        guard let match = storageContract.match(method: request.method, path: path) else {
            store.withLock { $0.violations.append("\(request.method) \(request.path): no such method in the contract") }
            return Self.googleError(404, "NOT_FOUND", "no method for \(request.method) \(request.path)")
        }
        let problems = storageContract.violations(of: match, query: request.query, body: request.body)
        return withCheckedStore(request, methodID: match.method.id, problems: problems) { store in
            let bucket = match.parameters["bucket"] ?? ""
            guard store.storage.buckets.contains(bucket) else {
                return Self.googleError(404, "NOT_FOUND", "The specified bucket does not exist.")
            }
            switch match.method.id {
            case "storage.objects.list":
                let prefix = bucket + "/" + (request.query["prefix"] ?? "")
                let names = store.storage.objects.keys.filter { $0.hasPrefix(prefix) }.sorted()
                let start = Int(request.query["pageToken"] ?? "0") ?? 0
                let page = names.dropFirst(start).prefix(store.storage.listPageSize)
                var answer: [String: ContractValue] = ["kind": .string("storage#objects")]
                if !page.isEmpty {
                    answer["items"] = .array(page.map { .object(Self.metadata(bucket: bucket, key: $0, store.storage)) })
                }
                if start + page.count < names.count { answer["nextPageToken"] = .string("\(start + page.count)") }
                return Self.json(answer)
            default:
                return Self.googleError(501, "UNIMPLEMENTED", "\(match.method.id) is not simulated")
            }
        }
    }

    static func json(_ object: [String: ContractValue], status: Int = 200) -> ServerResponse {
        ServerResponse(status: status, headers: [HTTPHeader("Content-Type", "application/json")], body: ContractValue.object(object).data)
    }

    static func metadata(bucket: String, key: String, _ state: StorageState) -> [String: ContractValue] {
        guard let object = state.objects[key] else { return [:] }
        return [
            "kind": .string("storage#object"), "bucket": .string(bucket), "name": .string(String(key.dropFirst(bucket.count + 1))),
            "size": .string("\(object.data.count)"), "crc32c": .string(object.crc32c),
            "md5Hash": .string(Data(Insecure.MD5.hash(data: object.data)).base64EncodedString()),
            "generation": .string("\(object.generation)"),
        ]
    }

    /// `POST /upload/storage/v1/b/{bucket}/o?uploadType=…`: checked against `objects.insert`.
    private func startUpload(_ request: ServerRequest) -> ServerResponse {
        let path = String(request.path.dropFirst("/upload/storage/v1/".count))
        guard request.method == "POST", let match = storageContract.match(method: "POST", path: path),
            match.method.id == "storage.objects.insert"
        else {
            store.withLock { $0.violations.append("\(request.method) \(request.path): not an upload") }
            return Self.googleError(404, "NOT_FOUND", "no upload at \(request.path)")
        }
        let uploadType = request.query["uploadType"] ?? ""
        var problems = storageContract.violations(of: match, query: request.query, body: Data("{}".utf8))
        var metadata: [String: ContractValue] = [:]
        var contents = Data()
        switch uploadType {
        case "media":
            metadata["name"] = request.query["name"].map(ContractValue.string)
            contents = request.body
        case "multipart":
            guard let (json, data) = Self.multipartParts(request) else {
                problems.append("multipart upload: the body is not multipart/related with a JSON part and a data part")
                break
            }
            problems += storageContract.violations(of: match, query: [:], body: json)
            metadata = (try? JSONDecoder().decode(ContractValue.self, from: json))?.object ?? [:]
            contents = data
        case "resumable":
            if !request.body.isEmpty {
                problems += storageContract.violations(of: match, query: [:], body: request.body)
                metadata = (try? JSONDecoder().decode(ContractValue.self, from: request.body))?.object ?? [:]
            }
        default:
            problems.append("storage.objects.insert: uploadType must be media, multipart or resumable, got '\(uploadType)'")
        }
        if metadata["name"]?.string == nil, let name = request.query["name"] { metadata["name"] = .string(name) }
        if metadata["name"]?.string == nil { problems.append("storage.objects.insert: no object name") }
        let bucket = match.parameters["bucket"] ?? ""
        return withCheckedStore(request, methodID: "storage.objects.insert", problems: problems) { store in
            guard store.storage.buckets.contains(bucket) else {
                return Self.googleError(404, "NOT_FOUND", "The specified bucket does not exist.")
            }
            if uploadType == "resumable" {
                let id = "upload-\(UUID().uuidString)"
                store.storage.sessions[id] = StorageState.UploadSession(bucket: bucket, metadata: metadata)
                return ServerResponse(
                    status: 200,
                    headers: [HTTPHeader("Location", "\(baseURL)/upload/storage/v1/b/\(bucket)/o?uploadType=resumable&upload_id=\(id)")])
            }
            return Self.finish(bucket: bucket, metadata: metadata, data: contents, &store)
        }
    }

    /// Stores the object if its bytes match the CRC32C the metadata declares, as Cloud Storage does.
    private static func finish(
        bucket: String, metadata: [String: ContractValue], data: Data, _ store: inout Store
    ) -> ServerResponse {
        let crc = CRC32C.checksum(data).base64
        if let declared = metadata["crc32c"]?.string, declared != crc {
            return googleError(
                400, "INVALID_ARGUMENT", "Provided CRC32C \"\(declared)\" doesn't match calculated CRC32C \"\(crc)\".")
        }
        let key = bucket + "/" + (metadata["name"]?.string ?? "")
        let generation = (store.storage.objects[key]?.generation ?? 0) + 1
        store.storage.objects[key] = StorageState.StoredObject(data: data, crc32c: crc, generation: generation)
        return json(Self.metadata(bucket: bucket, key: key, store.storage))
    }

    /// `PUT` to a session URI: `Content-Range: bytes a-b/total|*`, or `bytes */total` to ask for the status.
    private func uploadChunk(_ request: ServerRequest) -> ServerResponse {
        let id = request.query["upload_id"] ?? ""
        let range = request.headers.value(named: "Content-Range") ?? ""
        return store.withLock { store -> ServerResponse in
            store.requests.append(RecordedRequest(methodID: "storage.objects.insert#chunk", httpMethod: "PUT", path: request.path))
            store.storage.ranges.append(range)
            guard var session = store.storage.sessions[id] else {
                return Self.googleError(404, "NOT_FOUND", "No such upload session.")
            }
            func violation(_ problem: String) -> ServerResponse {
                store.violations.append("resumable upload: \(problem)")
                return Self.googleError(400, "INVALID_ARGUMENT", problem)
            }
            guard let parsed = Self.parseContentRange(range) else { return violation("bad Content-Range '\(range)'") }
            let held = Int64(session.received.count)
            if let start = parsed.start {
                guard start == held else {
                    return violation("chunk starts at byte \(start), but the server holds \(held): resume from the 308's Range")
                }
                guard Int64(request.body.count) == parsed.end! - start + 1 else {
                    return violation("Content-Range '\(range)' does not match the \(request.body.count) bytes sent")
                }
                if parsed.total == nil, request.body.count % Self.quantum != 0 {
                    return violation("a non-final chunk of \(request.body.count) bytes is not a multiple of 256 KiB")
                }
                var keep = request.body
                var fail = false
                if let limit = store.storage.interruptAt, held + Int64(keep.count) > limit {
                    let allowed = max(0, (limit - held) / Int64(Self.quantum) * Int64(Self.quantum))
                    keep = keep.prefix(Int(allowed))
                    store.storage.interruptAt = nil
                    fail = true
                } else if parsed.total == nil, store.storage.persistsLessThanSent, keep.count > Self.quantum {
                    keep = keep.prefix(keep.count - Self.quantum)
                }
                session.received += keep
                store.storage.sessions[id] = session
                if fail { return Self.googleError(503, "UNAVAILABLE", "Backend error, please retry.") }
            }
            if let total = parsed.total, Int64(session.received.count) == total {
                if !session.finished {
                    session.finished = true
                    store.storage.sessions[id] = session
                    let response = Self.finish(bucket: session.bucket, metadata: session.metadata, data: session.received, &store)
                    guard response.status == 200 else { return response }
                }
                let key = session.bucket + "/" + (session.metadata["name"]?.string ?? "")
                return Self.json(Self.metadata(bucket: session.bucket, key: key, store.storage))
            }
            let count = session.received.count
            return ServerResponse(status: 308, headers: count == 0 ? [] : [HTTPHeader("Range", "bytes=0-\(count - 1)")])
        }
    }

    /// `bytes a-b/t`, `bytes a-b/*` or `bytes */t`.
    static func parseContentRange(_ value: String) -> (start: Int64?, end: Int64?, total: Int64?)? {
        guard value.hasPrefix("bytes ") else { return nil }
        let parts = value.dropFirst(6).split(separator: "/")
        guard parts.count == 2 else { return nil }
        let total = parts[1] == "*" ? nil : Int64(parts[1])
        if parts[1] != "*" && total == nil { return nil }
        if parts[0] == "*" { return total == nil ? nil : (nil, nil, total) }
        let bounds = parts[0].split(separator: "-")
        guard bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), end >= start else { return nil }
        return (start, end, total)
    }

    /// The JSON part and the data part of a `multipart/related` body.
    static func multipartParts(_ request: ServerRequest) -> (Data, Data)? {
        guard let type = request.headers.value(named: "Content-Type"), type.hasPrefix("multipart/related"),
            let boundaryRange = type.range(of: "boundary=")
        else { return nil }
        let boundary = Data("--\(type[boundaryRange.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" ")))".utf8)
        var parts: [Data] = []
        var rest = request.body[...]
        while let marker = rest.range(of: boundary) {
            if !parts.isEmpty || marker.lowerBound > rest.startIndex { parts.append(Data(rest[..<marker.lowerBound])) }
            rest = rest[marker.upperBound...]
        }
        // parts: [json part, data part], each "\r\nheaders\r\n\r\ncontent\r\n"
        let bodies = parts.compactMap { part -> Data? in
            guard let split = part.range(of: Data("\r\n\r\n".utf8)) else { return nil }
            var content = part[split.upperBound...]
            if content.suffix(2) == Data("\r\n".utf8) { content = content.dropLast(2) }
            return Data(content)
        }
        guard bodies.count == 2 else { return nil }
        return (bodies[0], bodies[1])
    }
}
