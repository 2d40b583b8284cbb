import Foundation

/// The published API descriptions kept in `shared/contracts/`, beside the repository or beside a folder above it
/// (a git worktree checked out in a subfolder).
public enum SharedContracts {
    /// The file's location, found from a source file of the repository (pass `#filePath`).
    public static func url(_ name: String, from sourceFile: String) -> URL {
        var repository = URL(fileURLWithPath: sourceFile)
        while repository.path != "/"
            && !FileManager.default.fileExists(atPath: repository.appendingPathComponent("Package.swift").path)
        {
            repository = repository.deletingLastPathComponent()
        }
        var folder = repository.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("shared/contracts/\(name)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return repository.appendingPathComponent("../shared/contracts/\(name)").standardized
    }
}
