import Failure
import Foundation
import JPEG
import Testing

struct JPEGTests {
    @Test func roundTripKeepsTheImage() throws {
        let original = SyntheticImages(width: 96, height: 64, seed: 7).image(3)
        let encoder = try JPEGEncoder(quality: 95)
        let jpeg = try encoder.encode(original)
        #expect(jpeg.starts(with: [0xFF, 0xD8]), "starts with SOI")
        let decoder = try JPEGDecoder()
        let decoded = try decoder.decode(jpeg)
        #expect(decoded.width == 96 && decoded.height == 64)
        let error = zip(original.pixels, decoded.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
        #expect(Double(error) / Double(original.pixels.count) < 8, "mean error per channel is small at quality 95")
        #expect(try decoder.dimensions(of: jpeg) == (96, 64))
    }

    @Test func syntheticImagesDifferPerIndexAndRepeatPerSeed() throws {
        let images = SyntheticImages(width: 32, height: 32, seed: 1)
        let encoder = try JPEGEncoder(quality: 90)
        var encoded = Set<Data>()
        for index in 0..<200 as Range<UInt64> {
            encoded.insert(try encoder.encode(images.image(index)))
        }
        #expect(encoded.count == 200, "every index encodes to different bytes")
        #expect(images.image(42) == SyntheticImages(width: 32, height: 32, seed: 1).image(42))
        #expect(images.image(42) != SyntheticImages(width: 32, height: 32, seed: 2).image(42))
    }

    @Test func oneEncoderServesImagesOfAnySize() throws {
        let encoder = try JPEGEncoder()
        let decoder = try JPEGDecoder()
        for (width, height) in [(1, 1), (640, 480), (17, 3), (224, 224)] {
            let image = SyntheticImages(width: width, height: height).image(UInt64(width))
            let decoded = try decoder.decode(try encoder.encode(image))
            #expect(decoded.width == width && decoded.height == height)
        }
    }

    @Test func corruptInputThrowsInsteadOfExiting() throws {
        let decoder = try JPEGDecoder()
        let valid = try JPEGEncoder().encode(SyntheticImages(width: 64, height: 64).image(1))

        let notJPEG = #expect(throws: JPEGError.self) { try decoder.decode(Data("GIF89a not a jpeg".utf8)) }
        #expect(notJPEG?.reason.contains("Not a JPEG") == true)
        #expect(notJPEG?.code == .invalidImage && notJPEG?.code.description == "invalid_image")
        #expect(notJPEG?.failureKind == .permanent, "the same bytes fail the same way again")
        #expect(throws: JPEGError.self) { try decoder.decode(Data()) }
        #expect(throws: JPEGError.self) { try decoder.decode(valid.prefix(valid.count / 2)) }
        #expect(throws: JPEGError.self) { try decoder.decode(valid.prefix(10)) }
        var scrambled = valid
        for index in stride(from: 200, to: scrambled.count - 2, by: 7) { scrambled[index] = 0xFF }
        _ = try? decoder.decode(scrambled)  // may or may not decode; must not crash
        #expect(throws: JPEGError.self) { try decoder.dimensions(of: Data([0xFF, 0xD8, 0xFF])) }

        // The decoder is still usable after errors.
        #expect(try decoder.decode(valid).width == 64)
    }

    @Test func badEncoderSettingsAreErrors() throws {
        let quality = #expect(throws: JPEGError.self) { try JPEGEncoder(quality: 0) }
        #expect(quality?.code == .invalidArgument)
        #expect(throws: JPEGError.self) { try JPEGEncoder(quality: 101) }
        let encoder = try JPEGEncoder()
        #expect(throws: JPEGError.self) { try encoder.encode(rgb: [1, 2, 3], width: 2, height: 2) }
        #expect(throws: JPEGError.self) { try encoder.encode(rgb: [], width: 0, height: 5) }
    }
}
