import ArgumentParser
import CommandSupport
import Foundation
import LoadGen

/// The files a run, a merge or a search writes, and the exit status its report earns.
struct ReportOutputs {
    var json: String?
    var csv: String?
    var svg: String?
    var histogramLog: String? = nil

    /// Creates each output's folder and checks the file can be written, before any work starts.
    func checkWritable() throws {
        for path in [json, csv, svg, histogramLog].compactMap({ $0 }) {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ValidationError("Please pass a file, not the folder \(path), as an output.")
            }
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw ValidationError("Cannot create the folder of \(path): \(error.localizedDescription)")
            }
            let existed = FileManager.default.fileExists(atPath: path)
            guard let handle = FileHandle(forWritingAtPath: path) ?? (existed ? nil : createAndOpen(path)) else {
                throw ValidationError("Cannot write \(path): check the path and its permissions.")
            }
            try? handle.close()
            if !existed { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    private func createAndOpen(_ path: String) -> FileHandle? {
        FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil
    }

    func write(_ report: LoadReport, _ seconds: [LoadSecond], title: String? = nil) throws {
        let outputs: [(String?, () throws -> Data)] = [
            (json, { try LoadReporters.json(report) }),
            (csv, { Data(LoadReporters.csv(seconds).utf8) }),
            (svg, {
                Data(
                    LoadReporters.svg(
                        seconds,
                        title: title ?? "image-loadgen → \(report.topic), target \(report.targetRate == 0 ? "max" : "\(report.targetRate)/s")"
                    ).utf8)
            }),
        ]
        for case let (path?, contents) in outputs {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents().write(to: url)
        }
    }

    /// Failed deliveries or a failed verification are errors (exit 1); failed thresholds exit 3.
    static func exitStatus(for report: LoadReport) throws {
        if report.failed > 0 {
            let kinds = report.failures.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            throw LoadGenError("\(report.failed) of \(report.sent) images were not delivered (\(kinds))", code: .publishFailed)
        }
        if let verify = report.verify, !verify.isClean {
            throw CommandFailure(
                "verification failed: \(verify.missing) missing, \(verify.duplicates) duplicated, \(verify.corrupt) corrupt")
        }
        if !report.thresholdsPassed {
            throw ExitCode(3)
        }
    }
}
