import Foundation

/// What `plan` shows and `apply` does for a local SavedModel: each file, and whether it goes up or is there.
public struct SavedModelUploadPlan: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var file: SavedModelFolder.File
        public var object: String
        public var crc32c: String
        /// False when an object of the same size and CRC32C is already there.
        public var upload: Bool
    }

    public var folder: SavedModelFolder
    public var destination: StorageLocation
    public var entries: [Entry]
    public var notes: [String]

    public var uploads: [Entry] { entries.filter(\.upload) }
    public var uploadBytes: Int64 { uploads.reduce(0) { $0 + $1.file.size } }

    public var rendered: [String] {
        var lines = ["Upload \(folder.root.path) to \(destination):"]
        for entry in entries {
            lines.append(
                entry.upload
                    ? "  + upload \(entry.file.path) (\(Self.bytes(entry.file.size))) to gs://\(destination.bucket)/\(entry.object)"
                    : "  = \(entry.file.path): unchanged (same size and CRC32C)")
        }
        lines += notes.map { "  ! \($0)" }
        lines.append("\(uploads.count) to upload (\(Self.bytes(uploadBytes))), \(entries.count - uploads.count) unchanged.")
        return lines
    }

    public var jsonObject: [String: Any] {
        [
            "folder": folder.root.path, "destination": destination.description, "notes": notes,
            "files": entries.map { entry -> [String: Any] in
                [
                    "path": entry.file.path, "size": entry.file.size, "object": entry.object, "crc32c": entry.crc32c,
                    "action": entry.upload ? "upload" : "unchanged",
                ]
            },
        ]
    }

    /// `1.3 MiB`: sizes as people read them.
    public static func bytes(_ count: Int64) -> String {
        switch count {
        case ..<1024: "\(count) B"
        case ..<(1 << 20): String(format: "%.1f KiB", Double(count) / 1024)
        case ..<(1 << 30): String(format: "%.1f MiB", Double(count) / 1_048_576)
        default: String(format: "%.2f GiB", Double(count) / 1_073_741_824)
        }
    }
}
