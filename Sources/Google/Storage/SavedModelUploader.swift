import Failure
import Foundation
import HTTP
import Logging
import PipelineConfig

/// Uploads a SavedModel folder to Cloud Storage through the JSON API: one multipart request for a small file,
/// a resumable upload in chunks for a large one, picking up after a failure from the offset the server reports.
/// Files already there with the same size and CRC32C are skipped, so running it again sends nothing.
public struct SavedModelUploader: Sendable {
    /// Cloud Storage requires every chunk but the last to be a multiple of 256 KiB.
    public static let chunkQuantum = 256 * 1024

    public let client: GoogleRESTClient
    public let storage: StorageAPI
    /// Bytes per resumable chunk, a multiple of 256 KiB. Default: 8 MiB, Google's suggestion for most networks.
    public var chunkSize: Int
    /// Files up to this size go up in one multipart request. Default: 5 MiB, where Google suggests resumable.
    public var multipartLimit: Int64
    /// Failed chunk attempts in a row, with no progress in between, before giving up. Default: 6.
    public var maxAttemptsWithoutProgress: Int
    /// The backoff between failed chunk attempts; which failures are retried is `FailureKind`'s rule.
    public var retry: RetryPolicy
    /// The HTTP log, for the clients that carry a session's chunks.
    let logger: Logger

    public init(
        client: GoogleRESTClient, storage: StorageAPI, chunkSize: Int = 8 << 20, multipartLimit: Int64 = 5 << 20,
        maxAttemptsWithoutProgress: Int = 6, retry: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "http")
    ) {
        self.client = client
        self.logger = logger
        self.storage = storage
        self.chunkSize = max(Self.chunkQuantum, chunkSize / Self.chunkQuantum * Self.chunkQuantum)
        self.multipartLimit = multipartLimit
        self.maxAttemptsWithoutProgress = maxAttemptsWithoutProgress
        self.retry = retry
    }

    /// ML Engine refused a version whose directory held more files than this.
    public static let mlEngineFileLimit = 1000

    /// Lists what is at the destination and compares. A missing bucket is an error that says what to do.
    public func plan(folder: SavedModelFolder, destination: StorageLocation, api: GoogleAPI) async throws
        -> SavedModelUploadPlan
    {
        let existing = try await objects(at: destination)
        var entries: [SavedModelUploadPlan.Entry] = []
        for file in folder.files {
            let object = destination.prefix + file.path
            let crc = try folder.checksum(of: file).base64
            let there = existing[object]
            let same = there?.size == "\(file.size)" && there?.crc32c == crc
            entries.append(.init(file: file, object: object, crc32c: crc, upload: !same))
        }
        var notes: [String] = []
        if api == .mlEngine, folder.files.count > Self.mlEngineFileLimit {
            notes.append(
                "the SavedModel has \(folder.files.count) files; ML Engine accepts at most \(Self.mlEngineFileLimit) "
                    + "in a version's directory")
        }
        let strays = existing.keys.filter { name in !entries.contains { $0.object == name } }.sorted()
        if !strays.isEmpty {
            notes.append(
                "\(strays.count) other object(s) under \(destination) are left alone, e.g. \(strays[0]); "
                    + "the serving container loads the whole folder")
        }
        return SavedModelUploadPlan(folder: folder, destination: destination, entries: entries, notes: notes)
    }

    func objects(at location: StorageLocation) async throws -> [String: StorageObject] {
        var objects: [String: StorageObject] = [:]
        var pageToken: String?
        repeat {
            let call = storage.listObjects(bucket: location.bucket, prefix: location.prefix, pageToken: pageToken)
            let response = try await client.send(call)
            if response.status == 404 {
                throw GoogleError(
                    .api,
                    "bucket \(location.bucket) does not exist: create it (gcloud storage buckets create "
                        + "gs://\(location.bucket) --location=REGION) or fix saved_model_uri", status: 404)
            }
            guard response.isSuccess else { throw client.failure(call, response) }
            let page: StorageObjectList
            do {
                page = try response.decode(StorageObjectList.self)
            } catch {
                throw GoogleError(.unexpectedResponse, "listing \(location): unreadable answer: \(response.bodyText.prefix(200))")
            }
            for object in page.items ?? [] { objects[object.name] = object }
            pageToken = page.nextPageToken
        } while !(pageToken ?? "").isEmpty
        return objects
    }

    /// Uploads what the plan marks for upload, in order. Returns the bytes sent.
    @discardableResult
    public func upload(
        _ plan: SavedModelUploadPlan, progress: @escaping @Sendable (SavedModelUploadProgress) -> Void = { _ in }
    ) async throws -> Int64 {
        var done: Int64 = 0
        let total = plan.uploadBytes
        for entry in plan.uploads {
            let report: @Sendable (Int64, Bool) -> Void = { [done] sent, finished in
                progress(
                    SavedModelUploadProgress(
                        file: entry.file.path, fileBytes: sent, fileSize: entry.file.size, doneBytes: done + sent,
                        totalBytes: total, fileFinished: finished))
            }
            let object = StorageObject(name: entry.object, crc32c: entry.crc32c)
            let url = plan.folder.root.appendingPathComponent(entry.file.path)
            if entry.file.size <= multipartLimit {
                try await uploadMultipart(url, object: object, bucket: plan.destination.bucket)
            } else {
                try await uploadResumable(url, object: object, size: entry.file.size, bucket: plan.destination.bucket) {
                    report($0, false)
                }
            }
            report(entry.file.size, true)
            done += entry.file.size
        }
        return done
    }

    private func uploadMultipart(_ url: URL, object: StorageObject, bucket: String) async throws {
        let contents = try Data(contentsOf: url)
        let call = try storage.multipartUpload(bucket: bucket, object: object, contents: contents)
        let response = try await client.send(call)
        guard response.isSuccess else { throw uploadFailure(object, call, response) }
        try checkStored(response, object)
    }

    /// Sends chunk after chunk; a 308 names the bytes the server holds (possibly fewer than were sent), and after
    /// a failure the server is asked, so the next chunk always starts where the server says.
    private func uploadResumable(
        _ url: URL, object: StorageObject, size: Int64, bucket: String, progress: (Int64) -> Void
    ) async throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var session = try await startSession(object: object, size: size, bucket: bucket)
        var client = sessionClient(session)
        var offset: Int64 = 0
        var failures = 0
        while true {
            try handle.seek(toOffset: UInt64(offset))
            let chunk = try handle.read(upToCount: Int(min(Int64(chunkSize), size - offset))) ?? Data()
            let call = storage.uploadChunk(session: session, chunk: chunk, offset: offset, total: size)
            var answer: HTTPResponse?
            do {
                answer = try await client.send(call, retry: RetryPolicy.none)
            } catch let error as GoogleError where error.code == .unreachable {
                answer = nil
            }
            if let response = answer {
                if response.isSuccess {
                    try checkStored(response, object)
                    return
                }
                if response.status == 308 {
                    let held = Self.heldBytes(response)
                    if held > offset { failures = 0 }
                    offset = held
                    progress(offset)
                    continue
                }
                if response.status == 404 || response.status == 410 {
                    // The session expired or was cancelled: start again from the first byte.
                    session = try await startSession(object: object, size: size, bucket: bucket)
                    client = sessionClient(session)
                    offset = 0
                    continue
                }
                guard FailureKind(httpStatus: response.status) == .retriable else {
                    // The session URI is itself a credential (it needs no token), so it stays out of the message.
                    throw GoogleError(
                        .api, "upload of \(object.name): HTTP \(response.status) \(GoogleErrorBody.summary(of: response))",
                        status: response.status)
                }
            }
            failures += 1
            guard failures < maxAttemptsWithoutProgress else {
                throw GoogleError(
                    .api,
                    "upload of gs://\(bucket)/\(object.name) stopped at byte \(offset) of \(size) after \(failures) "
                        + "failed attempts: "
                        + (answer.map { "HTTP \($0.status) \(GoogleErrorBody.summary(of: $0))" } ?? "the API is unreachable"))
            }
            try await Task.sleep(for: retry.delay(afterAttempt: failures, retryAfter: nil, jitter: .random(in: 0...1)))
            let status = try await client.send(storage.uploadStatus(session: session, total: size), retry: RetryPolicy.none)
            if status.isSuccess {
                try checkStored(status, object)
                return
            }
            if status.status == 308 { offset = Self.heldBytes(status) }
        }
    }

    /// A client whose logs mask the session's `upload_id`: the session URI is a credential of its own, good for a
    /// week without any token.
    private func sessionClient(_ session: String) -> GoogleRESTClient {
        guard let id = URLComponents(string: session)?.queryItems?.first(where: { $0.name == "upload_id" })?.value else {
            return client
        }
        var configuration = client.http.configuration
        configuration.redactor.addSecret(id)
        return GoogleRESTClient(http: HTTPClient(configuration: configuration, logger: logger), authorizer: client.authorizer)
    }

    private func startSession(object: StorageObject, size: Int64, bucket: String) async throws -> String {
        let call = try storage.startResumableUpload(bucket: bucket, object: object, size: size)
        let response = try await client.send(call)
        guard response.isSuccess else { throw uploadFailure(object, call, response) }
        guard let session = response.headers.value(named: "Location"), !session.isEmpty else {
            throw GoogleError(.unexpectedResponse, "upload of \(object.name): the answer names no session (Location header)")
        }
        try HTTPClient.checkURL(session, allowsPlainHTTPToAnyHost: false)
        return session
    }

    /// `Range: bytes=0-N` means N+1 bytes are held; no header means none.
    static func heldBytes(_ response: HTTPResponse) -> Int64 {
        guard let range = response.headers.value(named: "Range"), let dash = range.lastIndex(of: "-"),
            let last = Int64(range[range.index(after: dash)...].trimmingCharacters(in: .whitespaces))
        else { return 0 }
        return last + 1
    }

    /// Cloud Storage already refuses an upload whose bytes do not match the CRC32C sent; this catches a proxy
    /// or server that answers for a different object.
    private func checkStored(_ response: HTTPResponse, _ object: StorageObject) throws {
        guard let stored = try? response.decode(StorageObject.self) else { return }
        guard stored.name == object.name, stored.crc32c == nil || stored.crc32c == object.crc32c else {
            throw GoogleError(
                .unexpectedResponse,
                "upload of \(object.name): the server stored \(stored.name) with CRC32C \(stored.crc32c ?? "?"), "
                    + "expected \(object.crc32c ?? "?")")
        }
    }

    private func uploadFailure(_ object: StorageObject, _ call: GoogleRESTCall, _ response: HTTPResponse) -> GoogleError {
        let failure = client.failure(call, response)
        return GoogleError(failure.code, "upload of \(object.name): \(failure.reason)", status: response.status)
    }
}
