import Foundation
import Histogram

/// HdrHistogram's V2 encoding, compressed and in base64, as every HdrHistogram implementation writes it in
/// interval logs (Java's `encodeIntoCompressedByteBuffer`): a 40-byte big-endian header, then the counts array
/// as ZigZag LEB128 numbers where a negative number stands for that many empty buckets, the whole deflated.
extension Histogram where Count == UInt64 {
    static let encodingCookie: UInt32 = 0x1c84_9303 | 0x10
    static let compressedEncodingCookie: UInt32 = 0x1c84_9304 | 0x10
    /// Decoded histograms larger than this are refused: a 3-digit histogram up to an hour in microseconds
    /// encodes in a few hundred kilobytes at worst.
    static let decodedSizeLimit = 16 << 20

    /// The compressed V2 encoding in base64, as a log line carries it.
    func compressedBase64() -> String {
        var payload = Data()
        var nextIndex = 0
        let layout = HistogramLayout(self)
        for bucket in recordedValues() {
            let index = layout.countsIndex(of: bucket.value)
            let zeros = index - nextIndex
            if zeros == 1 { payload.appendZigZag(0) } else if zeros > 1 { payload.appendZigZag(-Int64(zeros)) }
            payload.appendZigZag(Int64(clamping: bucket.count))
            nextIndex = index + 1
        }
        var encoded = Data()
        encoded.appendBigEndian(Self.encodingCookie)
        encoded.appendBigEndian(UInt32(payload.count))
        encoded.appendBigEndian(UInt32(0))  // normalizing index offset
        encoded.appendBigEndian(UInt32(numberOfSignificantValueDigits.rawValue))
        encoded.appendBigEndian(lowestDiscernibleValue)
        encoded.appendBigEndian(highestTrackableValue)
        encoded.appendBigEndian((1.0).bitPattern)  // integer-to-double conversion ratio
        encoded.append(payload)
        let compressed = Zlib.compress(encoded)
        var framed = Data()
        framed.appendBigEndian(Self.compressedEncodingCookie)
        framed.appendBigEndian(UInt32(compressed.count))
        framed.append(compressed)
        return framed.base64EncodedString()
    }

    /// Decodes what `compressedBase64()` (or any HdrHistogram) wrote; anything malformed is an error, never a trap.
    static func decode(compressedBase64 text: Substring) throws(LoadGenError) -> Self {
        guard let framed = Data(base64Encoded: String(text)) else { throw LoadGenError("histogram is not valid base64", code: .invalidData) }
        var reader = BigEndianReader(framed)
        guard try reader.uint32() == compressedEncodingCookie else {
            throw LoadGenError("histogram is not in HdrHistogram's compressed V2 encoding", code: .invalidData)
        }
        let length = Int(try reader.uint32())
        guard length <= reader.remaining else { throw LoadGenError("histogram is truncated", code: .invalidData) }
        let encoded = try Zlib.decompress(try reader.bytes(length), limit: decodedSizeLimit)
        reader = BigEndianReader(encoded)
        guard try reader.uint32() == encodingCookie else {
            throw LoadGenError("histogram is not in HdrHistogram's V2 encoding", code: .invalidData)
        }
        let payloadLength = Int(try reader.uint32())
        guard try reader.uint32() == 0 else { throw LoadGenError("histograms with a normalizing index offset are not supported", code: .invalidData) }
        let digits = try reader.uint32()
        let lowest = try reader.uint64()
        let highest = try reader.uint64()
        _ = try reader.uint64()  // integer-to-double ratio: only for double histograms
        guard let significantDigits = SignificantDigits(rawValue: Int8(clamping: digits)), digits <= 5 else {
            throw LoadGenError("histogram has \(digits) significant digits (0 to 5 allowed)", code: .invalidData)
        }
        guard lowest >= 1, lowest <= 1 << 40, highest >= 2 * lowest else {
            throw LoadGenError("histogram has an impossible value range \(lowest)…\(highest)", code: .invalidData)
        }
        guard payloadLength <= reader.remaining else { throw LoadGenError("histogram payload is truncated", code: .invalidData) }
        var histogram = Self(
            lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: significantDigits)
        histogram.autoResize = true
        let layout = HistogramLayout(histogram)
        var payload = BigEndianReader(try reader.bytes(payloadLength))
        var index = 0
        while payload.remaining > 0 {
            let number = try payload.zigZag()
            if number < 0 {
                guard number > -Int64(Int32.max) else { throw LoadGenError("histogram payload is corrupt", code: .invalidData) }
                index += Int(-number)
                continue
            }
            guard let value = layout.value(atIndex: index) else { throw LoadGenError("histogram payload is corrupt", code: .invalidData) }
            if number > 0 { histogram.record(value, count: UInt64(number)) }
            index += 1
        }
        return histogram
    }

    /// Whether `add` can combine the two without a trap: the same precision and unit.
    func hasLayout(of other: Self) -> Bool {
        numberOfSignificantValueDigits == other.numberOfSignificantValueDigits
            && lowestDiscernibleValue == other.lowestDiscernibleValue
    }
}

/// The counts-array arithmetic every HdrHistogram shares, which the Swift package keeps internal.
struct HistogramLayout {
    let unitMagnitude: Int
    let subBucketHalfCountMagnitude: Int
    let subBucketMask: UInt64
    let leadingZeroCountBase: Int

    init(_ histogram: Histogram<UInt64>) {
        unitMagnitude = Int(log2(Double(histogram.lowestDiscernibleValue)))
        let largestSingleUnit = 2 * pow(10.0, Double(histogram.numberOfSignificantValueDigits.rawValue))
        let subBucketCountMagnitude = max(1, Int(log2(largestSingleUnit).rounded(.up)))
        subBucketHalfCountMagnitude = subBucketCountMagnitude - 1
        subBucketMask = (UInt64(1) << subBucketCountMagnitude - 1) << unitMagnitude
        leadingZeroCountBase = 64 - unitMagnitude - subBucketCountMagnitude
    }

    func countsIndex(of value: UInt64) -> Int {
        let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(value >> UInt64(bucket + unitMagnitude))
        return (bucket + 1) << subBucketHalfCountMagnitude + subBucket - (1 << subBucketHalfCountMagnitude)
    }

    /// The lowest value counted at `index`, or nil when no 64-bit value is.
    func value(atIndex index: Int) -> UInt64? {
        let half = 1 << subBucketHalfCountMagnitude
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (half - 1)) + half
        if bucket < 0 {
            subBucket -= half
            bucket = 0
        }
        let shift = bucket + unitMagnitude
        guard shift < 64 - subBucketHalfCountMagnitude - 1 else { return nil }
        return UInt64(subBucket) << UInt64(shift)
    }
}

extension Data {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    /// ZigZag, then LEB128 of at most nine bytes, the ninth holding eight bits (HdrHistogram's ZigZagEncoding).
    mutating func appendZigZag(_ signed: Int64) {
        var value = UInt64(bitPattern: (signed << 1) ^ (signed >> 63))
        for _ in 0..<8 {
            if value >> 7 == 0 {
                append(UInt8(value))
                return
            }
            append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        append(UInt8(truncatingIfNeeded: value))
    }
}

/// Reads big-endian numbers from bytes; running out is an error.
struct BigEndianReader {
    private let data: Data
    private var position: Int

    init(_ data: Data) {
        self.data = data
        position = data.startIndex
    }

    var remaining: Int { data.endIndex - position }

    mutating func bytes(_ count: Int) throws(LoadGenError) -> Data {
        guard count >= 0, count <= remaining else { throw LoadGenError("histogram is truncated", code: .invalidData) }
        defer { position += count }
        return data[position..<position + count]
    }

    mutating func uint32() throws(LoadGenError) -> UInt32 {
        try bytes(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64() throws(LoadGenError) -> UInt64 {
        try bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func zigZag() throws(LoadGenError) -> Int64 {
        var value: UInt64 = 0
        for byteIndex in 0..<9 {
            let byte = UInt64(try bytes(1).first!)
            if byteIndex == 8 {
                value |= byte << 56
                break
            }
            value |= (byte & 0x7F) << UInt64(7 * byteIndex)
            if byte & 0x80 == 0 { break }
        }
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
