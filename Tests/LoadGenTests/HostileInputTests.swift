import Foundation
import JPEG
import TestSupport
import Testing

/// Numbers no run can hold, and images no decoder should allocate for: each a one-line error from the built
/// binary, never a runtime trap with a backtrace.
@Suite(.timeLimit(.minutes(3)))
struct ImageLoadgenHostileInputTests {
    static let noConfig = ImageLoadgenCommandTests.noConfig

    @Test(arguments: [
        (["--duration", "9999999999999999999s"], "--duration 9999999999999999999s is longer than any run can be (at most 876600h)"),
        (["--rate", "1e300", "--duration", "10s"], "--rate 1e+300 is faster than any run can be (at most 1000000000 images per second)"),
        (["--rate", "inf"], "--rate inf is not a rate"),
        (["--warmup", "876601h"], "is longer than any run can be (at most 876600h)"),
        (["--drain-timeout", String(repeating: "9", count: 400) + "h"], "is longer than any run can be"),
        (["--ramp", "1e300:10s"], "ramp stage '1e300:10s': rate 1e+300 is faster than any run can be"),
        (["--ramp", "100:9999999999999999999s"], "is longer than any run can be"),
        (["--threshold", "p99<9999999999999999999s"], "is longer than any run can be"),
    ])
    func outOfRangeNumbersAreAOneLineUsageError(arguments: [String], mentions: String) throws {
        let result = try BuiltProduct.run("image-loadgen", Self.noConfig + arguments, timeout: 60)
        #expect(result.status == 64, "\(result.standardError)")
        let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1 && errors[0].contains(mentions), "\(result.standardError)")
        #expect(!result.standardError.contains("Fatal error"))
    }

    @Test func aDurationTooLongInTheConfigurationNamesTheKey() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: config) }
        try "load:\n  duration: 9999999999999999999s\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try BuiltProduct.run(
            "image-loadgen", ["--config", config.path, "--bootstrap-servers", "127.0.0.1:\(unusedLoopbackPort())"], timeout: 60)
        #expect(result.status != 0)
        let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1 && errors[0].contains("load.duration"), "\(result.standardError)")
        #expect(errors.first?.contains("is longer than any run can be (at most 876600h)") == true)
    }

    @Test func aJPEGBombInTheSourceFolderIsRefusedByTheDecoder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bomb-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let small = try JPEGEncoder().encode(SyntheticImages(width: 16, height: 16).image(0))
        try jpegBomb(from: small).write(to: folder.appendingPathComponent("bomb.jpg"))
        let result = try BuiltProduct.run(
            "image-loadgen",
            Self.noConfig + ["--source", folder.path, "--count", "1", "--bootstrap-servers", "127.0.0.1:\(unusedLoopbackPort())"],
            timeout: 60)
        #expect(result.status != 0)
        let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1, "\(result.standardError)")
        #expect(errors.first?.contains("bomb.jpg is not a usable JPEG: the image is 65500x65500 pixels, more than the limit of 67108864 pixels") == true)
    }
}
