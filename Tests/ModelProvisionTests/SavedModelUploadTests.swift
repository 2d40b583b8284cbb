import Foundation
import GoogleTestSupport
import TestSupport
import Testing

/// `model-provision upload`, and `plan`/`apply` with `--saved-model`, against the Cloud Storage stand-in.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct SavedModelUploadTests {
    typealias Fixture = ModelProvisionTests.Fixture

    /// A SavedModel as TensorFlow exports it: a graph that uses variables, their index and one data shard, assets.
    static func makeSavedModel(in directory: URL, dataBytes: Int = 1_400_000) throws -> URL {
        let root = directory.appendingPathComponent("export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("variables"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("assets"), withIntermediateDirectories: true)
        try Data("\u{8}\u{1}\u{12}graph\u{0}VarHandleOp\u{0}serving_default".utf8).write(to: root.appendingPathComponent("saved_model.pb"))
        try Data("index".utf8).write(to: root.appendingPathComponent("variables/variables.index"))
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<dataBytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try data.write(to: root.appendingPathComponent("variables/variables.data-00000-of-00001"))
        try Data("tabby\ntiger_cat\n".utf8).write(to: root.appendingPathComponent("assets/labels.txt"))
        return root
    }

    static let prefix = "models/image-classifier/"
    static let chunk = ["--upload-chunk-size", "512KiB", "--poll-interval", "10ms"]

    func expectUploaded(_ folder: URL, _ fixture: Fixture) throws {
        let stored = fixture.server.storedObjects()
        for path in ["saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001", "assets/labels.txt"] {
            let local = try Data(contentsOf: folder.appendingPathComponent(path))
            #expect(stored[Self.prefix + path] == local, "\(path) differs in the bucket")
        }
    }

    @Test func planUploadAgainAndChange() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let folder = try Self.makeSavedModel(in: fixture.directory)

        let plan = try await fixture.run(["plan", "--saved-model", folder.path] + Self.chunk)
        #expect(plan.status == 0, "\(plan.standardError)")
        #expect(plan.standardOutput.contains("+ upload variables/variables.data-00000-of-00001 (1.3 MiB) to gs://contract-bucket/models/image-classifier/variables/variables.data-00000-of-00001"), "\(plan.standardOutput)")
        #expect(plan.standardOutput.contains("4 to upload"))
        #expect(fixture.server.requests.allSatisfy { $0.httpMethod == "GET" }, "plan must not change anything")

        let upload = try await fixture.run(["upload", "--saved-model", folder.path] + Self.chunk)
        #expect(upload.status == 0, "\(upload.standardError)")
        #expect(upload.standardOutput.contains("Uploaded 4 file(s)"), "\(upload.standardOutput)")
        #expect(upload.standardError.contains("uploaded variables/variables.data-00000-of-00001 (1.3 MiB)"), "\(upload.standardError)")
        try expectUploaded(folder, fixture)
        // 1,400,000 bytes in 512 KiB chunks: two of 524288, the rest declared with its total.
        #expect(fixture.server.uploadedRanges == ["bytes 0-524287/*", "bytes 524288-1048575/*", "bytes 1048576-1399999/1400000"])

        let before = fixture.server.requests.count
        let again = try await fixture.run(["upload", "--saved-model", folder.path] + Self.chunk)
        #expect(again.status == 0)
        #expect(again.standardOutput.contains("Uploaded 0 file(s), 0 B; 4 unchanged"), "\(again.standardOutput)")
        let second = fixture.server.requests.dropFirst(before)
        #expect(second.allSatisfy { $0.methodID == "storage.objects.list" }, "\(second.map(\.methodID))")

        try Data("tabby\ntiger_cat\nlynx\n".utf8).write(to: folder.appendingPathComponent("assets/labels.txt"))
        let changed = try await fixture.run(["plan", "--saved-model", folder.path, "--output", "json"] + Self.chunk)
        let object = try JSONSerialization.jsonObject(with: Data(changed.standardOutput.utf8)) as? [String: Any]
        let files = (object?["upload"] as? [String: Any])?["files"] as? [[String: Any]] ?? []
        #expect(files.filter { $0["action"] as? String == "upload" }.map { $0["path"] as? String } == ["assets/labels.txt"])

        // apply uploads the change, then deploys the model from the folder.
        let apply = try await fixture.run(["apply", "--saved-model", folder.path] + Self.chunk)
        #expect(apply.status == 0, "\(apply.standardError)")
        try expectUploaded(folder, fixture)
        #expect(fixture.server.requests("models.upload").count == 1)
        #expect(fixture.server.violations.isEmpty, "\(fixture.server.violations)")
    }

    /// The server keeps part of a chunk and fails: the upload carries on from the byte the server names, which is
    /// not where the client's chunk began.
    @Test func interruptedUploadResumesFromTheServersOffset() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let folder = try Self.makeSavedModel(in: fixture.directory, dataBytes: 2_500_000)
        fixture.server.interruptUpload(atByte: 1_400_000)
        let upload = try await fixture.run(["upload", "--saved-model", folder.path, "--upload-chunk-size", "1MiB"])
        #expect(upload.status == 0, "\(upload.standardError)")
        try expectUploaded(folder, fixture)
        // The second chunk failed after 262144 of its bytes were kept: the status query, then 1310720 onwards.
        #expect(fixture.server.uploadedRanges == [
            "bytes 0-1048575/*", "bytes 1048576-2097151/*", "bytes */2500000", "bytes 1310720-2359295/*",
            "bytes 2359296-2499999/2500000",
        ], "\(fixture.server.uploadedRanges)")
        #expect(fixture.server.violations.isEmpty, "\(fixture.server.violations)")
    }

    /// Cloud Storage may keep fewer bytes than a chunk held; the 308's Range says how many.
    @Test func shortPersistenceIsFollowed() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let folder = try Self.makeSavedModel(in: fixture.directory)
        fixture.server.persistLessThanSent()
        let upload = try await fixture.run(["upload", "--saved-model", folder.path, "--log-level", "debug"] + Self.chunk)
        #expect(upload.status == 0, "\(upload.standardError)")
        // The session URI works without a token, so its upload_id is masked like one.
        #expect(upload.standardError.contains("upload_id=[redacted]"), "\(upload.standardError.prefix(2000))")
        #expect(!upload.standardError.contains("upload_id=upload-"))
        try expectUploaded(folder, fixture)
        #expect(fixture.server.uploadedRanges.first == "bytes 0-524287/*")
        #expect(fixture.server.uploadedRanges.dropFirst().first == "bytes 262144-786431/*")
        #expect(fixture.server.violations.isEmpty, "\(fixture.server.violations)")
    }

    @Test func missingBucketIsOneLine() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let folder = try Self.makeSavedModel(in: fixture.directory)
        fixture.server.removeBucket("contract-bucket")
        let upload = try await fixture.run(["upload", "--saved-model", folder.path])
        #expect(upload.status == 1)
        #expect(upload.standardError.contains("bucket contract-bucket does not exist: create it (gcloud storage buckets create gs://contract-bucket"), "\(upload.standardError)")
        #expect(upload.standardError.split(separator: "\n").count == 1, "\(upload.standardError)")
        #expect(fixture.server.requests.allSatisfy { $0.httpMethod == "GET" })
    }

    @Test func notASavedModelIsAUsageErrorBeforeAnyRequest() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let folder = try Self.makeSavedModel(in: fixture.directory)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("saved_model.pb"))
        let missingGraph = try await fixture.run(["apply", "--saved-model", folder.path])
        #expect(missingGraph.status == 64)
        #expect(missingGraph.standardError.contains("is not a TensorFlow SavedModel: it has no saved_model.pb"), "\(missingGraph.standardError)")

        let noVariables = try Self.makeSavedModel(in: fixture.directory)
        try FileManager.default.removeItem(at: noVariables.appendingPathComponent("variables"))
        let missing = try await fixture.run(["upload", "--saved-model", noVariables.path])
        #expect(missing.status == 64)
        #expect(missing.standardError.contains("has variables but variables/variables.index is missing"), "\(missing.standardError)")

        let valid = try Self.makeSavedModel(in: fixture.directory, dataBytes: 10)
        let badChunk = try await fixture.run(["upload", "--saved-model", valid.path, "--upload-chunk-size", "100KiB"])
        #expect(badChunk.status == 64)
        #expect(badChunk.standardError.contains("multiple of 256KiB"))

        let region = try await fixture.run(["apply", "--region", "us-central9"])
        #expect(region.status == 64)
        #expect(region.standardError.contains("region 'us-central9' is not a Google Cloud region; us has us-central1"), "\(region.standardError)")
        #expect(fixture.server.requests.isEmpty)
    }

    @Test func mlEngineFileLimitIsNamed() async throws {
        let fixture = try await Fixture.start(api: "ml-engine")
        defer { Task { await fixture.finish() } }
        let folder = try Self.makeSavedModel(in: fixture.directory, dataBytes: 10)
        for index in 0..<1000 {
            try Data("\(index)".utf8).write(to: folder.appendingPathComponent("assets/vocab-\(index).txt"))
        }
        let plan = try await fixture.run(["plan", "--saved-model", folder.path])
        #expect(plan.status == 0, "\(plan.standardError)")
        #expect(plan.standardOutput.contains("! the SavedModel has 1004 files; ML Engine accepts at most 1000"), "\(plan.standardOutput.suffix(500))")
    }
}
