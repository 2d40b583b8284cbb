import Foundation
import Histogram

/// Writes an HdrHistogram interval log (format version 1.3), the file HdrHistogram's `HistogramLogProcessor` and
/// its Python, Go and JavaScript ports read: one line per metric and interval, `Tag=<metric>,<start>,<length>,
/// <max>,<compressed histogram>`, start in seconds after `StartTime`, max in milliseconds (values are recorded in
/// microseconds).
///
/// `@unchecked Sendable`: the file handle is written only while holding `lock`.
public final class HistogramLogWriter: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    public let path: String

    /// Creates (or truncates) the file and writes the header; `startEpochSeconds` is when second 0 began.
    public init(path: String, startEpochSeconds: Double, comment: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw LoadGenError("cannot create --histogram-log \(path)", code: .fileAccess)
            }
            handle = try FileHandle(forWritingTo: url)
        } catch let error as LoadGenError {
            throw error
        } catch {
            throw LoadGenError(
                "cannot create --histogram-log \(path): \(error.localizedDescription)", code: .fileAccess)
        }
        let date = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: startEpochSeconds))
        write(
            """
            #[\(comment.replacingOccurrences(of: "\n", with: " "))]
            #[Histogram log format version 1.3]
            #[StartTime: \(String(format: "%.3f", startEpochSeconds)) (seconds since epoch), \(date)]
            #[BaseTime: \(String(format: "%.3f", startEpochSeconds)) (seconds since epoch)]
            "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"

            """)
    }

    deinit {
        try? handle.close()
    }

    /// One interval of one metric.
    func append(tag: String, startSeconds: Double, lengthSeconds: Double, histogram: Histogram<UInt64>) {
        let line = String(
            format: "Tag=%@,%.3f,%.3f,%.3f,", tag, startSeconds, lengthSeconds,
            Double(histogram.totalCount == 0 ? 0 : histogram.max) / 1000) + histogram.compressedBase64() + "\n"
        write(line)
    }

    private func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        // A full disk must not stop the load test; the log is then short, which the reader reports.
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
