import Foundation
import Histogram

/// Reads an HdrHistogram interval log; a malformed or truncated line is an error naming the file and line.
public enum HistogramLogReader {
    /// Logs bigger than this are refused rather than read into memory.
    static let fileSizeLimit = 2 << 30

    public static func read(path: String) throws(LoadGenError) -> [HistogramLogInterval] {
        let text: String
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > fileSizeLimit {
                throw LoadGenError("histogram log \(path) is larger than \(fileSizeLimit >> 30) GB", code: .invalidData)
            }
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch let error as LoadGenError {
            throw error
        } catch {
            throw LoadGenError("cannot read histogram log \(path): \(error.localizedDescription)", code: .fileAccess)
        }
        var startTime: Double?
        var baseTime: Double?
        var intervals: [HistogramLogInterval] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("\"StartTimestamp\"") { continue }
            if line.hasPrefix("#") {
                if line.hasPrefix("#[StartTime: ") { startTime = leadingNumber(line.dropFirst(13)) }
                if line.hasPrefix("#[BaseTime: ") { baseTime = leadingNumber(line.dropFirst(12)) }
                continue
            }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            var tag: String?
            if fields.first?.hasPrefix("Tag=") == true {
                tag = String(fields.removeFirst().dropFirst(4))
            }
            guard fields.count == 4, let start = Double(fields[0]), let length = Double(fields[1]), start.isFinite,
                length.isFinite, start >= 0, length >= 0
            else {
                throw LoadGenError(
                    "histogram log \(path) line \(number + 1) is not an interval (truncated or not a histogram log)", code: .invalidData)
            }
            let histogram: Histogram<UInt64>
            do {
                histogram = try Histogram<UInt64>.decode(compressedBase64: fields[3])
            } catch {
                throw LoadGenError("histogram log \(path) line \(number + 1): \(error.reason)", code: .invalidData)
            }
            // Timestamps are relative to BaseTime (or StartTime) unless they are absolute already, as the
            // reference implementation decides: anything after 2000-01-01 counts as absolute.
            let base = start > 946_684_800 ? 0 : (baseTime ?? startTime ?? 0)
            let logStart = startTime ?? intervals.first?.startEpochSeconds ?? base + start
            intervals.append(
                HistogramLogInterval(
                    tag: tag, startEpochSeconds: base + start, offsetSeconds: max(0, base + start - logStart),
                    lengthSeconds: length, histogram: histogram))
        }
        guard !intervals.isEmpty else { throw LoadGenError("histogram log \(path) holds no intervals", code: .invalidData) }
        return intervals
    }

    private static func leadingNumber(_ text: Substring) -> Double? {
        Double(text.prefix { $0.isNumber || $0 == "." })
    }
}
