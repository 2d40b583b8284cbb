import CheckedNumbers
import Testing

struct CheckedConversionTests {
    @Test(arguments: [Double.nan, .infinity, -.infinity, 1e300, -1e300, 9.3e18, 9_223_372_036_854_775_808])
    func valuesOutsideInt64AreNil(value: Double) {
        #expect(Int64(checking: value) == nil)
    }

    @Test func valuesInsideConvertWithTheirRounding() {
        #expect(Int64(checking: 2.9) == 2)
        #expect(Int64(checking: -2.9) == -2)
        #expect(Int64(checking: 2.5, rounding: .up) == 3)
        #expect(Int64(checking: 9_223_372_036_854_774_784) == 9_223_372_036_854_774_784)
        #expect(UInt64(checking: -0.4) == 0)
        #expect(UInt64(checking: -1) == nil)
        #expect(UInt8(checking: 255.9) == 255 && UInt8(checking: 256) == nil)
    }

    @Test func clampingSaturatesButNaNIsNil() {
        #expect(Int64(clamping: 1e300) == .max)
        #expect(Int64(clamping: -Double.infinity) == .min)
        #expect(UInt64(clamping: -5) == 0)
        #expect(Int32(clamping: 7.7) == 7)
        #expect(Int(clamping: Double.nan) == nil)
    }

    @Test func durationsFromSecondsAreCheckedAgainstTheLongestAccepted() {
        #expect(Duration(checkingSeconds: 1.5) == .milliseconds(1500))
        #expect(Duration(checkingSeconds: -0.25) == .milliseconds(-250))
        #expect(Duration(checkingSeconds: 3_155_760_000) == .longestAccepted)
        #expect(Duration.longestAccepted == .seconds(876_600 * 3600))
        for bad in [Double.nan, .infinity, 1e300, 3_155_760_001] {
            #expect(Duration(checkingSeconds: bad) == nil)
        }
        #expect(Duration(clampingSeconds: .infinity) == .longestAccepted)
        #expect(Duration(clampingSeconds: 1e300) == .longestAccepted)
        #expect(Duration(clampingSeconds: -1e300) == .zero - .longestAccepted)
        #expect(Duration(clampingSeconds: .nan) == nil)
    }

    @Test func millisecondsSaturateInsteadOfTrapping() {
        #expect(Duration.milliseconds(1500).saturatingMilliseconds == 1500)
        #expect(Duration.microseconds(1999).saturatingMilliseconds == 1)
        #expect(Duration.microseconds(-1999).saturatingMilliseconds == -1)
        #expect(Duration.seconds(Int64.max).saturatingMilliseconds == .max)
        #expect(Duration.seconds(Int64.min).saturatingMilliseconds == .min)
        #expect(Int32(clamping: Duration.longestAccepted.saturatingMilliseconds) == .max)
    }
}
