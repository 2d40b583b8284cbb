import ArgumentParser
import Foundation
import LoadGen
import PipelineConfig

/// Which images are sent: synthetic ones (size, quality, a pool or fresh) or a folder of JPEG files.
struct ImageOptions: ParsableArguments {
    @Option(help: "Synthetic image width in pixels. Default: load.width (224).")
    var width: Int?

    @Option(help: "Synthetic image height in pixels. Default: load.height (224).")
    var height: Int?

    @Option(help: "JPEG quality, 1 to 100. Default: load.quality (90).")
    var quality: Int?

    @Option(help: "Pre-encoded images to cycle through; 0 encodes every image afresh. Default: load.pool (64).")
    var pool: Int?

    @Option(help: "Encoder threads for --pool 0. Default: the number of CPU cores.")
    var encoders: Int?

    @Option(help: ArgumentHelp("Send the JPEG files of this folder instead of synthetic images (each checked first).", valueName: "folder"))
    var source: String?

    @Option(help: "Seed of the synthetic images, for repeatable runs.")
    var seed: UInt64 = 0

    func validate() throws {
        if let width, !(1...65_500).contains(width) { throw ValidationError("Please pass a --width from 1 to 65500.") }
        if let height, !(1...65_500).contains(height) { throw ValidationError("Please pass a --height from 1 to 65500.") }
        if let quality, !(1...100).contains(quality) { throw ValidationError("Please pass a --quality from 1 to 100.") }
        if let pool, pool < 0 { throw ValidationError("Please pass a --pool of 0 or more.") }
        if let encoders, encoders < 1 { throw ValidationError("Please pass at least one encoder thread.") }
    }

    func source(_ load: LoadSettings) -> ImageSource {
        if let source { return .folder(source) }
        return .synthetic(
            width: width ?? load.width, height: height ?? load.height, quality: quality ?? load.quality,
            pool: pool ?? load.pool, encoders: encoders ?? ProcessInfo.processInfo.activeProcessorCount, seed: seed)
    }

    /// The images, read (a folder, every file checked) or encoded (a pool) now, before any cluster starts.
    func prepare(_ source: ImageSource, imageID: @escaping @Sendable (UInt64) -> UInt64 = { $0 }) throws -> ImageSupply {
        do {
            return try ImageSupply(source, imageID: imageID)
        } catch let error as LoadGenError {
            throw ValidationError(error.description)
        }
    }
}

/// `--threshold`, parsed once and evaluated on a report.
struct ThresholdOptions: ParsableArguments {
    @Option(name: .customLong("threshold"), help: ArgumentHelp("A check such as 'p99<50ms', 'e2e_p99<200ms', 'rate>=990', 'failed==0' (repeatable); failing exits 3.", valueName: "check"))
    var texts: [String] = []

    func validate() throws {
        _ = try parsed()
    }

    func parsed() throws -> [Threshold] {
        var thresholds: [Threshold] = []
        for text in texts {
            do {
                thresholds.append(try Threshold(parsing: text))
            } catch {
                throw ValidationError(error.description)
            }
        }
        return thresholds
    }

    func evaluate(_ report: LoadReport) throws -> [ThresholdResult] {
        try parsed().map { $0.evaluate(report) }
    }
}
