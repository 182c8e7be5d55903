/// Building a zone's lookup tables once, when it is loaded.
extension ZoneRules {
    /// The footer's changes after `after`, as glibc evaluates the footer: DST by the UTC year's
    /// start and end instants. `first` is the type in force right at `after`.
    static func footerChanges(_ footer: PosixTimeZone, abbreviations: (Int, Int), after: Int)
        -> (first: LocalType, times: [Int], types: [LocalType]) {
        func type(_ t: Int) -> LocalType {
            let dst = footer.isDaylight(atEpochSeconds: t)
            return LocalType(offset: footer.rules[dst ? 1 : 0].offset, isDST: dst,
                             abbreviation: dst ? abbreviations.1 : abbreviations.0)
        }
        let first = type(after)
        guard footer.hasDaylightTime else { return (first, [], []) }
        var candidates: [Int] = []
        for year in firstTabulatedYear...lastTabulatedYear {
            candidates.append(Civil.days(year: year, month: 1, day: 1) * 86_400)
            candidates.append(PosixTimeZone.changeInstant(footer.rules[0], year: year))
            candidates.append(PosixTimeZone.changeInstant(footer.rules[1], year: year))
        }
        candidates.sort()
        var times: [Int] = []
        var types: [LocalType] = []
        var current = first
        for t in candidates where t > after && times.last != t {
            let next = type(t)
            if next != current {
                times.append(t)
                types.append(next)
                current = next
            }
        }
        return (first, times, types)
    }

    static func bucketIndex(_ sorted: [Int]) -> [Int] {
        var index: [Int] = []
        index.reserveCapacity(bucketCount + 1)
        var i = 0
        for b in 0...bucketCount {
            let bucketStart = bucketOrigin + b << bucketShift
            while i < sorted.count && sorted[i] < bucketStart { i += 1 }
            index.append(i)
        }
        return index
    }

    /// The first index `i` with `sorted[i] > value` (`>=` when not `orEqual`), narrowed
    /// through the bucket index first.
    @inline(__always)
    static func upperBound(_ sorted: [Int], _ index: [Int], _ value: Int, orEqual: Bool) -> Int {
        var lo = 0
        var hi = sorted.count
        let b = (value - bucketOrigin) >> bucketShift
        if b >= 0 && b < bucketCount {
            lo = index[b]
            hi = index[b + 1]
        }
        while lo < hi {
            let mid = (lo + hi) >> 1
            if orEqual ? sorted[mid] <= value : sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Where wall-clock time is not a plain function of the instant: the gap or repeated hour
    /// around each offset change, and (as an empty stretch) each change of the DST flag alone,
    /// which glibc's mktime also reacts to.
    static func ambiguities(_ times: [Int], _ types: [LocalType], before: LocalType) -> ([Int], [Int]) {
        var starts: [Int] = []
        var ends: [Int] = []
        var previous = before
        for (t, type) in zip(times, types) {
            if type.offset != previous.offset || type.isDST != previous.isDST {
                starts.append(t + min(previous.offset, type.offset))
                ends.append(t + max(previous.offset, type.offset))
            }
            previous = type
        }
        return (starts, ends)
    }
}
