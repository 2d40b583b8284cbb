import Foundation

/// A TensorFlow SavedModel on disk, checked before anything is sent: `saved_model.pb` (or `.pbtxt`) at the top,
/// and `variables/variables.index` when the graph holds variables. Lists every regular file with its size.
public struct SavedModelFolder: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// Relative to the folder, with `/` separators: `variables/variables.data-00000-of-00001`.
        public var path: String
        public var size: Int64
    }

    public let root: URL
    /// Sorted by path.
    public let files: [File]

    /// Op names a graph uses for variables; they appear as plain strings in `saved_model.pb`.
    static let variableOps = ["VarHandleOp", "VariableV2", "ReadVariableOp"]

    /// Checks the folder and lists it; anything amiss is a `GoogleError` with code `.invalidInput`, one sentence.
    public init(path: String) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GoogleError(.invalidInput, "--saved-model \(path): no such folder")
        }
        let root = URL(fileURLWithPath: path).standardizedFileURL
        self.root = root
        let graphs = ["saved_model.pb", "saved_model.pbtxt"].filter {
            manager.fileExists(atPath: root.appendingPathComponent($0).path)
        }
        guard let graph = graphs.first else {
            throw GoogleError(
                .invalidInput,
                "--saved-model \(path) is not a TensorFlow SavedModel: it has no saved_model.pb or saved_model.pbtxt "
                    + "(export one with tf.saved_model.save or model.export)")
        }
        let hasIndex = manager.fileExists(atPath: root.appendingPathComponent("variables/variables.index").path)
        if !hasIndex, try Self.graphHasVariables(root.appendingPathComponent(graph)) {
            throw GoogleError(
                .invalidInput,
                "--saved-model \(path): the graph in \(graph) has variables but variables/variables.index is missing "
                    + "(copy the whole exported folder, variables/ included)")
        }
        files = try Self.regularFiles(under: root)
    }

    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.size } }

    /// Reads the graph in pieces, so a large one never sits in memory whole.
    static func graphHasVariables(_ url: URL) throws -> Bool {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let needles = variableOps.map { Data($0.utf8) }
        let overlap = needles.map(\.count).max() ?? 0
        var carry = Data()
        while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty {
            let window = carry + piece
            if needles.contains(where: { window.range(of: $0) != nil }) { return true }
            carry = window.suffix(overlap)
        }
        return false
    }

    static func regularFiles(under root: URL) throws -> [File] {
        let keys: [URLResourceKey] = [.isRegularFileKey, .fileSizeKey]
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys) else {
            throw GoogleError(.invalidInput, "cannot list \(root.path)")
        }
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var files: [File] = []
        for case let url as URL in enumerator {
            let values = try url.resourceValues(forKeys: Set(keys))
            guard values.isRegularFile == true else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(prefix) else { continue }
            files.append(File(path: String(full.dropFirst(prefix.count)), size: Int64(values.fileSize ?? 0)))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The file's CRC32C, read in 1 MiB pieces.
    public func checksum(of file: File) throws -> CRC32C {
        let handle = try FileHandle(forReadingFrom: root.appendingPathComponent(file.path))
        defer { try? handle.close() }
        var crc = CRC32C()
        while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty { crc.update(piece) }
        return crc
    }
}
