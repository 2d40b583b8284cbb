/// A set of sequence numbers kept as sorted, disjoint runs `[lower, upper)`: memory grows with the number of
/// gaps, not with the number of members, so a day of acknowledged ids that arrive nearly in order takes a few
/// runs instead of gigabytes.
struct SequenceSet: Sendable, Equatable {
    private(set) var runs: [Range<UInt64>] = []
    private(set) var count: UInt64 = 0

    init() {}

    /// Adds `value`; false if it was already a member.
    @discardableResult
    mutating func insert(_ value: UInt64) -> Bool {
        // The run starting at or before `value`: usually the last one, as ids arrive nearly in order.
        let index: Int
        if let last = runs.last, last.lowerBound <= value {
            index = runs.count - 1
        } else {
            index = lastRun(startingAtOrBefore: value)
        }
        if index >= 0 && runs[index].contains(value) { return false }
        count += 1
        let joinsPrevious = index >= 0 && runs[index].upperBound == value
        let joinsNext = index + 1 < runs.count && runs[index + 1].lowerBound == value &+ 1
        switch (joinsPrevious, joinsNext) {
        case (true, true):
            runs[index] = runs[index].lowerBound..<runs[index + 1].upperBound
            runs.remove(at: index + 1)
        case (true, false):
            runs[index] = runs[index].lowerBound..<value + 1
        case (false, true):
            runs[index + 1] = value..<runs[index + 1].upperBound
        case (false, false):
            runs.insert(value..<value + 1, at: index + 1)
        }
        return true
    }

    func contains(_ value: UInt64) -> Bool {
        let index = lastRun(startingAtOrBefore: value)
        return index >= 0 && runs[index].contains(value)
    }

    /// The members of `self` that `other` lacks: how many, and the first `sampleSize` of them.
    func subtracting(_ other: SequenceSet, sampleSize: Int) -> (count: UInt64, sample: [UInt64]) {
        var missing: UInt64 = 0
        var sample: [UInt64] = []
        var otherIndex = 0
        for run in runs {
            var next = run.lowerBound
            while next < run.upperBound {
                while otherIndex < other.runs.count && other.runs[otherIndex].upperBound <= next { otherIndex += 1 }
                let gapEnd =
                    otherIndex < other.runs.count ? Swift.min(run.upperBound, other.runs[otherIndex].lowerBound) : run.upperBound
                if gapEnd > next {
                    missing += gapEnd - next
                    var id = next
                    while sample.count < sampleSize && id < gapEnd {
                        sample.append(id)
                        id += 1
                    }
                    next = gapEnd
                } else {
                    next = Swift.min(run.upperBound, other.runs[otherIndex].upperBound)
                }
            }
        }
        return (missing, sample)
    }

    /// Binary search: the index of the last run whose lower bound is at most `value`, or -1.
    private func lastRun(startingAtOrBefore value: UInt64) -> Int {
        var low = 0
        var high = runs.count
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].lowerBound <= value { low = middle + 1 } else { high = middle }
        }
        return low - 1
    }
}
