import Failure
import Foundation
import Histogram
@testable import LoadGen
import Testing

struct HistogramEncodingTests {
    /// Values spread like latencies, the same every time: mostly a few milliseconds, a 2% tail up to seconds.
    static func latencies(count: Int, seed: UInt64) -> [UInt64] {
        (0..<UInt64(count)).map { index in
            let mixed = (index &+ seed &* 7_919) &* 2_654_435_761 % 1_000_003
            let base = 200 + mixed % 4_801
            return mixed % 50 == 0 ? base * (10 + mixed % 391) : base
        }
    }

    @Test func encodingRoundTripsExactly() throws {
        var original = LoadGen.histogram()
        for value in Self.latencies(count: 20_000, seed: 7) { original.record(value) }
        let decoded = try Histogram<UInt64>.decode(compressedBase64: Substring(original.compressedBase64()))
        #expect(decoded.totalCount == original.totalCount)
        #expect(decoded.max == original.max)
        #expect(decoded.min == original.min)
        // p100 is left out: the encoding keeps buckets, not the exact largest value (`max` is its bucket's top).
        for percentile in [0.0, 50, 90, 99, 99.9, 99.99] {
            #expect(decoded.valueAtPercentile(percentile) == original.valueAtPercentile(percentile), "p\(percentile)")
        }
        #expect(Array(decoded.recordedValues().map(\.count)) == Array(original.recordedValues().map(\.count)))
    }

    @Test func anEmptyHistogramEncodes() throws {
        let decoded = try Histogram<UInt64>.decode(compressedBase64: Substring(LoadGen.histogram().compressedBase64()))
        #expect(decoded.totalCount == 0)
    }

    @Test func addedHistogramsEqualOneThatRecordedTheUnion() throws {
        var union = LoadGen.histogram()
        var total = LoadGen.histogram()
        for worker in 0..<3 {
            var part = LoadGen.histogram()
            for value in Self.latencies(count: 10_000 + worker * 3_333, seed: UInt64(worker)) {
                part.record(value)
                union.record(value)
            }
            // Through the encoding, as merge reads them from reports.
            let decoded = try Histogram<UInt64>.decode(compressedBase64: Substring(part.compressedBase64()))
            try HistogramLogMerger.add(decoded, to: &total)
        }
        #expect(total.totalCount == union.totalCount)
        for percentile in [50.0, 90, 99, 99.9, 99.99] {
            #expect(total.valueAtPercentile(percentile) == union.valueAtPercentile(percentile), "p\(percentile)")
        }
        #expect(LatencySummary(total) == LatencySummary(union))
    }

    @Test(arguments: ["", "not base64!", "SElTVEZBQUFB", "HISTFAAAACl4nJNpmSzMwMAgwwABTBDKT4GBgdnNYMcCBvsPEBnK7Ilm"])
    func malformedEncodingsAreErrorsNotTraps(text: String) {
        let error = #expect(throws: LoadGenError.self) { try Histogram<UInt64>.decode(compressedBase64: Substring(text)) }
        #expect(error?.code == .invalidData && error?.failureKind == .permanent)
    }

    @Test func aTruncatedEncodingIsAnError() {
        var histogram = LoadGen.histogram()
        for value in Self.latencies(count: 1_000, seed: 3) { histogram.record(value) }
        let full = Data(base64Encoded: histogram.compressedBase64())!
        for length in [4, 8, 20, full.count - 1] {
            #expect(throws: LoadGenError.self) {
                try Histogram<UInt64>.decode(compressedBase64: Substring(full.prefix(length).base64EncodedString()))
            }
        }
    }

    @Test func mismatchedPrecisionIsAnErrorNotATrap() {
        let coarse = Histogram<UInt64>(highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: .two)
        #expect(throws: LoadGenError.self) {
            var total = LoadGen.histogram()
            try HistogramLogMerger.add(coarse, to: &total)
        }
    }
}

struct SequenceSetTests {
    @Test func membersDuplicatesAndGaps() {
        var set = SequenceSet()
        for value: UInt64 in [0, 1, 2, 5, 4, 3, 10, 8, 9] {
            let added = set.insert(value)
            #expect(added)
        }
        let addedAgain = set.insert(4)
        #expect(!addedAgain)
        #expect(set.count == 9)
        #expect(set.runs == [0..<6, 8..<11])
        #expect(set.contains(9) && !set.contains(7) && !set.contains(11))
    }

    @Test func subtractingCountsAndSamplesTheMissing() {
        var delivered = SequenceSet()
        var seen = SequenceSet()
        for value: UInt64 in 0..<1_000 {
            delivered.insert(value)
            if value % 100 != 7 && !(500..<520).contains(value) { seen.insert(value) }
        }
        let (missing, sample) = delivered.subtracting(seen, sampleSize: 5)
        #expect(missing == 10 + 20 - 1)
        #expect(sample == [7, 107, 207, 307, 407])
    }

    @Test func aMillionInOrderIdsTakeOneRun() {
        var set = SequenceSet()
        for value: UInt64 in 0..<1_000_000 { set.insert(value) }
        #expect(set.runs.count == 1)
    }
}
