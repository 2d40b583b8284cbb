import Foundation
import JPEG

/// Hands the sender the JPEG for each image id, without encoding on the sending path: a pool and a folder are
/// encoded or read before the run starts; fresh images are encoded ahead of time by `encoders` threads.
public final class ImageSupply: Sendable {
    private enum Storage: Sendable {
        case cycle([Data])
        case fresh(OrderedEncoder)
    }

    private let storage: Storage
    public let description: String
    /// The size of the images (nil for a folder of mixed files).
    public let dimensions: (width: Int, height: Int, quality: Int)?

    /// `imageID` maps a sequence number to the image id drawn for it, so that workers never draw the same image.
    public init(_ source: ImageSource, imageID: @escaping @Sendable (UInt64) -> UInt64 = { $0 }) throws {
        switch source {
        case .synthetic(let width, let height, let quality, let pool, let encoders, let seed):
            // The decoders that read these images back (--verify, the model server) refuse more pixels than this.
            guard width > 0, height > 0, width <= JPEGDecoder.maximumPixelCount / height else {
                throw LoadGenError("\(width)×\(height) images are more pixels than any JPEG decoder here accepts (at most \(JPEGDecoder.maximumPixelCount))")
            }
            let images = SyntheticImages(width: width, height: height, seed: seed)
            guard (1...100).contains(quality) else { throw LoadGenError("--quality must be 1 to 100, got \(quality)") }
            if pool > 0 {
                let encoder = try JPEGEncoder(quality: quality)
                storage = .cycle(try (0..<UInt64(pool)).map { try encoder.encode(images.image($0)) })
                description = "pool of \(pool) synthetic \(width)×\(height) JPEGs at quality \(quality)"
            } else {
                storage = .fresh(
                    try OrderedEncoder(images: images, quality: quality, threads: max(1, encoders), imageID: imageID))
                description = "fresh synthetic \(width)×\(height) JPEGs at quality \(quality) on \(max(1, encoders)) encoder threads"
            }
            dimensions = (width, height, quality)
        case .folder(let path):
            storage = .cycle(try Self.readFolder(path))
            description = "folder \(path)"
            dimensions = nil
        }
    }

    /// The JPEG for message `sequence`. Fresh images must be asked for in order, 0, 1, 2, ...: the encoders
    /// work ahead.
    public func jpeg(for sequence: UInt64) -> Data {
        switch storage {
        case .cycle(let images): images[Int(sequence % UInt64(images.count))]
        case .fresh(let encoder): encoder.take(sequence)
        }
    }

    public func stop() {
        if case .fresh(let encoder) = storage { encoder.stop() }
    }

    /// Reads and checks every JPEG in a folder: anything else there is an error, found before the run starts.
    static func readFolder(_ path: String) throws -> [Data] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoadGenError("--source \(path) is not a folder")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { !$0.hasPrefix(".") }.sorted()
        let decoder = try JPEGDecoder()
        var images: [Data] = []
        for name in names {
            let file = (path as NSString).appendingPathComponent(name)
            var fileIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &fileIsDirectory), !fileIsDirectory.boolValue
            else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            do {
                _ = try decoder.decode(data)
            } catch let error as JPEGError {
                throw LoadGenError("\(file) is not a usable JPEG: \(error.reason)")
            }
            images.append(data)
        }
        guard !images.isEmpty else { throw LoadGenError("--source \(path) holds no JPEG files") }
        return images
    }
}

/// Encoder threads that claim sequence numbers in order and fill a bounded ring, so the sender takes image *i*
/// as soon as it is ready and memory stays bounded however fast the encoders are.
final class OrderedEncoder: @unchecked Sendable {
    // @unchecked Sendable: every mutable field is read and written only while holding `condition`.
    private let condition = NSCondition()
    private var slots: [Data?]
    private var nextToClaim: UInt64 = 0
    private var nextToTake: UInt64 = 0
    private var stopped = false
    private let capacity: UInt64

    init(images: SyntheticImages, quality: Int, threads: Int, imageID: @escaping @Sendable (UInt64) -> UInt64) throws {
        capacity = UInt64(max(64, threads * 16))
        slots = Array(repeating: nil, count: Int(capacity))
        for index in 0..<threads {
            // Each encoder moves to its own thread and is used only there.
            nonisolated(unsafe) let encoder = try JPEGEncoder(quality: quality)
            let thread = Thread { [self] in encodeLoop(images: images, encoder: encoder, imageID: imageID) }
            thread.name = "jpeg-encoder-\(index)"
            thread.start()
        }
    }

    private func encodeLoop(images: SyntheticImages, encoder: JPEGEncoder, imageID: (UInt64) -> UInt64) {
        var pixels = [UInt8](repeating: 0, count: images.width * images.height * 3)
        let renderer = images.makeRenderer()
        while true {
            condition.lock()
            while !stopped && nextToClaim >= nextToTake + capacity { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            let sequence = nextToClaim
            nextToClaim += 1
            condition.unlock()

            renderer.render(imageID(sequence), into: &pixels)
            // A synthetic image always encodes; an empty value would be caught by --verify as corrupt.
            let jpeg = (try? encoder.encode(rgb: pixels, width: images.width, height: images.height)) ?? Data()

            condition.lock()
            slots[Int(sequence % capacity)] = jpeg
            condition.broadcast()
            condition.unlock()
        }
    }

    func take(_ sequence: UInt64) -> Data {
        condition.lock()
        defer { condition.unlock() }
        let slot = Int(sequence % capacity)
        while slots[slot] == nil { condition.wait() }
        let jpeg = slots[slot]!
        slots[slot] = nil
        nextToTake = sequence + 1
        condition.broadcast()
        return jpeg
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
