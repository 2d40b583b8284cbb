import Foundation
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(3)))
struct ImageLoadgenCommandTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let noConfig = ["--config", repositoryRoot.appendingPathComponent("Tests/LoadGenTests/empty.yaml").path]

    @Test func embeddedRunWritesEveryReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loadgen-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try BuiltProduct.run(
            "image-loadgen",
            Self.noConfig + [
                "--rate", "100", "--duration", "2s", "--width", "32", "--height", "32", "--verify",
                "--report", directory.appendingPathComponent("report.json").path,
                "--timeseries", directory.appendingPathComponent("series.csv").path,
                "--plot", directory.appendingPathComponent("chart.svg").path, "--threshold", "failed==0",
            ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("embedded"))
        #expect(result.standardOutput.contains("verify        clean"))
        let report = try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("report.json"))) as! [String: Any]
        #expect(report["delivered"] as? Int == 200)
        #expect((report["verify"] as? [String: Any])?["missing"] as? Int == 0)
        #expect(try String(contentsOf: directory.appendingPathComponent("series.csv"), encoding: .utf8).hasPrefix("second,"))
        #expect(try String(contentsOf: directory.appendingPathComponent("chart.svg"), encoding: .utf8).contains("<polyline"))
    }

    @Test func unreachableBrokerFailsClearlyAndTheReportCountsIt() throws {
        let reportFile = FileManager.default.temporaryDirectory.appendingPathComponent("unreachable-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: reportFile) }
        let result = try BuiltProduct.run(
            "image-loadgen",
            Self.noConfig + [
                "--bootstrap-servers", "127.0.0.1:\(unusedLoopbackPort())", "-X", "message.timeout.ms=1000",
                "--rate", "50", "--count", "20", "--width", "16", "--height", "16", "--report", reportFile.path,
            ])
        #expect(result.status == 1)
        #expect(result.standardError.contains("20 of 20 images were not delivered (20 _MSG_TIMED_OUT)"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: reportFile)) as! [String: Any]
        #expect(report["failed"] as? Int == 20)
        #expect((report["failures"] as? [String: Int])?["_MSG_TIMED_OUT"] == 20)
    }

    /// The one `--topic` syntax takes configs, which a load test cannot set: it says so instead of dropping them.
    @Test(arguments: [[String](), ["search", "--threshold", "p99<1ms", "--start-rate", "10", "--max-rate", "10", "--max-steps", "1", "--step-duration", "1s", "--warmup", "0s"]])
    func topicConfigsAreNotSilentlyDropped(command: [String]) throws {
        let result = try BuiltProduct.run(
            "image-loadgen",
            command + Self.noConfig + ["--topic", "images:1:retention.ms=1000", "--width", "16", "--height", "16"]
                + (command.isEmpty ? ["--rate", "20", "--count", "5"] : []))
        #expect(result.standardError.contains(
            "image-loadgen sets no topic configs (topic-provision does): retention.ms of topic images not applied"),
            "\(result.standardError)")
    }

    @Test func folderOfJPEGsIsSent() throws {
        let dataset = Self.repositoryRoot.appendingPathComponent("datasets/sample-images").path
        let result = try BuiltProduct.run(
            "image-loadgen", Self.noConfig + ["--source", dataset, "--rate", "50", "--count", "20", "--verify"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("folder"))
    }

    @Test(arguments: [
        (["--rate", "-5"], "--rate"),
        (["--duration", "5x"], "--duration"),
        (["--duration", "10"], "--duration"),
        (["--source", "/no/such/folder"], "/no/such/folder"),
        (["-X", "linger.ms"], "not key=value"),
        (["--threshold", "p99<fast"], "p99<fast"),
        (["--ramp", "100:10s", "--rate", "5"], "--ramp"),
        (["--quality", "0"], "--quality"),
        (["--workers", "2", "--worker-index", "5"], "--worker-index"),
        (["--observe-topic", "bad topic!"], "--observe-topic"),
        (["--start-at", "tomorrow"], "--start-at"),
        (["--run-id", "a/b"], "--run-id"),
        (["--barrier"], "--report-topic"),
        (["--barrier", "--start-at", "1900000000", "--report-topic", "r"], "--barrier"),
        (["--report", "/proc/forbidden/report.json"], "/proc/forbidden"),
    ])
    func badArgumentsGiveOneLineErrors(arguments: [String], mentions: String) throws {
        let result = try BuiltProduct.run("image-loadgen", Self.noConfig + arguments + ["--count", "1"])
        #expect(result.status != 0)
        let errorLines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errorLines.count == 1, "\(result.standardError)")
        #expect(errorLines.first?.contains(mentions) == true, "\(result.standardError)")
    }

    @Test func nonJPEGSourceFileIsRefusedBeforeTheRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mixed-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("GIF89a".utf8).write(to: folder.appendingPathComponent("cat.gif"))
        let result = try BuiltProduct.run("image-loadgen", Self.noConfig + ["--source", folder.path, "--count", "1"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("cat.gif is not a usable JPEG"))
    }
}
