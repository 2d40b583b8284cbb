import Foundation

/// The manifests directory on disk: writing generated files into it and comparing it with what would be generated.
public struct ManifestDirectory: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// How a file on disk differs from the generated one.
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        public enum Change: Sendable, Equatable {
            /// Generated but absent on disk.
            case missing
            /// Present with other contents; the first line (1-based) that differs.
            case changed(line: Int)
            /// A generated file on disk that the configuration no longer produces.
            case stale
        }

        public let path: String
        public let change: Change

        public var description: String {
            switch change {
            case .missing: "\(path): missing"
            case .changed(let line): "\(path): differs from line \(line)"
            case .stale: "\(path): no longer generated"
            }
        }
    }

    public func differences(from files: [ManifestFile]) -> [Difference] {
        var differences: [Difference] = []
        for file in files {
            guard let existing = try? String(contentsOf: url(file.path), encoding: .utf8) else {
                differences.append(Difference(path: file.path, change: .missing))
                continue
            }
            if existing != file.contents {
                differences.append(Difference(path: file.path, change: .changed(line: firstDifferingLine(existing, file.contents))))
            }
        }
        let generated = Set(files.map(\.path))
        for path in generatedFilesOnDisk() where !generated.contains(path) {
            differences.append(Difference(path: path, change: .stale))
        }
        return differences
    }

    /// Writes every file whose contents changed and removes generated files that are no longer produced (files
    /// without the generated marker are never touched). Returns what changed.
    @discardableResult
    public func write(_ files: [ManifestFile]) throws -> [Difference] {
        let differences = differences(from: files)
        let contents = Dictionary(files.map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
        for difference in differences {
            let target = url(difference.path)
            if difference.change == .stale {
                try FileManager.default.removeItem(at: target)
                continue
            }
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents[difference.path, default: ""].utf8).write(to: target, options: .atomic)
        }
        return differences
    }

    private func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// Relative paths of the files under the root that start with the generated marker.
    private func generatedFilesOnDisk() -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        var paths: [String] = []
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let handle = try? FileHandle(forReadingFrom: file)
            else { continue }
            let start = String(decoding: (try? handle.read(upToCount: 256)) ?? Data(), as: UTF8.self)
            try? handle.close()
            guard start.split(separator: "\n").first?.contains(ManifestFile.generatedMarker) == true else { continue }
            let path = file.standardizedFileURL.resolvingSymlinksInPath().path
            paths.append(String(path.dropFirst(rootPath.count + 1)))
        }
        return paths.sorted()
    }

    private func firstDifferingLine(_ a: String, _ b: String) -> Int {
        let linesA = a.split(separator: "\n", omittingEmptySubsequences: false)
        let linesB = b.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<min(linesA.count, linesB.count) where linesA[index] != linesB[index] {
            return index + 1
        }
        return min(linesA.count, linesB.count) + 1
    }
}
