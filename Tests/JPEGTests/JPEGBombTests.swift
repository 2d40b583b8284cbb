import Foundation
import JPEG
import TestSupport
import Testing

struct JPEGBombTests {
    @Test func aHeaderClaimingTooManyPixelsIsRefusedBeforeDecoding() throws {
        let small = try JPEGEncoder().encode(SyntheticImages(width: 16, height: 16).image(0))
        let bomb = jpegBomb(from: small)
        let decoder = try JPEGDecoder()
        let expected = JPEGError(.invalidImage, "the image is 65500x65500 pixels, more than the limit of 67108864 pixels")
        #expect(throws: expected) { try decoder.decode(bomb) }
        #expect(throws: expected) { try decoder.dimensions(of: bomb) }
        #expect(try decoder.decode(small).width == 16, "the decoder still works after refusing")
    }

    @Test func theLimitItselfIsAccepted() throws {
        let small = try JPEGEncoder().encode(SyntheticImages(width: 16, height: 16).image(0))
        let decoder = try JPEGDecoder()
        #expect(try decoder.dimensions(of: jpegBomb(from: small, width: 8192, height: 8192)) == (8192, 8192))
        #expect(throws: JPEGError.self) { try decoder.dimensions(of: jpegBomb(from: small, width: 8193, height: 8192)) }
        #expect(JPEGDecoder.maximumPixelCount == 8192 * 8192)
    }
}
