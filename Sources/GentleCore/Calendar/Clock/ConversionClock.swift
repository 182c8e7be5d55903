/// How the elapse search turns broken-down time into an instant: the `mktime` / `timegm` step
/// systemd leans on, including the way it normalizes out-of-range fields in place.
protocol ConversionClock {
    /// True when normalizing has no side effects (no state carried between calls), so the
    /// search may skip conversions whose outcome it already knows.
    static var isPure: Bool { get }
    /// Normalizes `tm` and returns its instant in seconds, or nil (leaving `tm` untouched) when
    /// the C library would report failure.
    mutating func makeTime(_ tm: inout BrokenDownTime) -> Int?
    /// `mktime_or_timegm(tm) >= 0` as systemd tests it: normalizes `tm` in place; false when the
    /// conversion fails or lands before 1970. Only the calendar fields and `isDST` are updated.
    mutating func normalize(_ tm: inout BrokenDownTime) -> Bool
    /// `tm_wday` of `tm` after normalizing a copy; nil when that fails.
    mutating func weekday(of tm: BrokenDownTime) -> Int?
    /// Told where the search ended, so a clock with limited validity can check it.
    mutating func noteFinal(_ tm: BrokenDownTime)
    /// A shortcut: true when normalizing `tm` would change no field and succeed.
    mutating func isAlreadyNormal(_ tm: BrokenDownTime) -> Bool
    /// Told that the search stepped past a candidate at or before its start.
    mutating func noteStuck()
    /// True when in-range fields need no conversion at all (nothing to record or check).
    var trustsInRangeFields: Bool { get }
    /// Records a wall-clock time the search worked out without converting.
    mutating func noteWall(_ wall: Int)
    /// True when every value the search settles on must be reported through `noteWall`.
    var checksEveryCandidate: Bool { get }
    /// Told that the search moves on to `continuation`, which still carries the DST flag
    /// `normalized` got: glibc reads that flag at the next conversion.
    mutating func noteCarriedDST(from normalized: BrokenDownTime, to continuation: BrokenDownTime)
}

extension ConversionClock {
    mutating func normalize(_ tm: inout BrokenDownTime) -> Bool { (makeTime(&tm) ?? -1) >= 0 }

    mutating func weekday(of tm: BrokenDownTime) -> Int? {
        var t = tm
        return normalize(&t) ? t.weekday : nil
    }

    mutating func noteFinal(_ tm: BrokenDownTime) {}

    mutating func isAlreadyNormal(_ tm: BrokenDownTime) -> Bool { false }

    mutating func noteStuck() {}

    var trustsInRangeFields: Bool { false }

    mutating func noteWall(_ wall: Int) {}

    var checksEveryCandidate: Bool { false }

    mutating func noteCarriedDST(from normalized: BrokenDownTime, to continuation: BrokenDownTime) {}
}

/// `timegm` arithmetic on wall-clock fields, remembering which wall-clock times it was asked
/// about. For UTC it is exact. For a local zone it stands in for glibc's `mktime` as long as
/// none of those wall-clock times falls in a DST gap or a repeated hour: there `mktime` has
/// exactly one answer whatever state it carries, so normalizing fields is plain calendar
/// arithmetic whatever the offset. The caller checks the range afterwards
/// (`ZoneRules.touchesAmbiguity`) and redoes the search with `GlibcMktimeClock` if needed.
///
/// In-range fields are not converted at all: the search only moves forward, so every in-range
/// value it normalizes lies between its start and where it ends (`noteFinal`). Out-of-range
/// fields are converted and recorded on the spot.
struct WallClock: ConversionClock {
    static var isPure: Bool { true }
    /// True for UTC: wall-clock seconds are the instant, and the epoch check is exact.
    let isUTC: Bool
    private(set) var lowest: Int
    private(set) var highest: Int
    /// Set when the clock met something it cannot vouch for: a watched stretch, a time within
    /// a day of the epoch in a local zone, or a search that got stuck.
    private(set) var unsure = false
    /// Up to four wall-clock stretches `[start, end)` to check every single conversion
    /// against (a second, precise pass); none in the first pass.
    private var watched: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    private let checksEveryTime: Bool
    var trustsInRangeFields: Bool { true }
    var checksEveryCandidate: Bool { checksEveryTime }

    /// Wall-clock seconds of where the search ended.
    private(set) var finalWall = 0

    init(isUTC: Bool, startWall: Int) {
        self.isUTC = isUTC
        lowest = startWall
        highest = startWall
        checksEveryTime = false
    }

    init(isUTC: Bool, startWall: Int, watching stretches: [(start: Int, end: Int)]) {
        self.isUTC = isUTC
        lowest = startWall
        highest = startWall
        precondition(stretches.count <= 4, "WallClock watches at most four stretches")
        checksEveryTime = !stretches.isEmpty
        if checksEveryTime {
            let w = stretches + Array(repeating: (start: 0, end: 0), count: 4 - stretches.count)
            watched = (w[0].start, w[0].end, w[1].start, w[1].end, w[2].start, w[2].end, w[3].start, w[3].end)
        }
        if checksEveryTime { check(lowest) }
    }

    mutating func noteWall(_ wall: Int) { note(wall) }

    @inline(__always) private mutating func note(_ wall: Int) {
        if wall < lowest { lowest = wall }
        if wall > highest { highest = wall }
        if checksEveryTime { check(wall) }
    }

    private mutating func check(_ wall: Int) {
        let w = watched
        if (wall >= w.0 && wall < w.1) || (wall >= w.2 && wall < w.3) || (wall >= w.4 && wall < w.5)
            || (wall >= w.6 && wall < w.7) { unsure = true }
    }

    /// `t >= 0` for a wall-clock time near the epoch (year 1970 or earlier).
    @inline(__always) private mutating func afterEpoch(_ wall: Int) -> Bool {
        if isUTC { return wall >= 0 }
        if wall < 2 * 86_400 { unsure = true }
        return wall >= 0
    }

    mutating func makeTime(_ tm: inout BrokenDownTime) -> Int? {
        let wall = Civil.wallSeconds(of: tm)
        note(wall)
        tm = BrokenDownTime(epochSeconds: wall, offset: 0)
        return wall
    }

    @inline(__always)
    mutating func normalize(_ tm: inout BrokenDownTime) -> Bool {
        if tm.year > 70 && !checksEveryTime && tm.isCanonical { return true }
        return normalizeOutOfLine(&tm)
    }

    @inline(never)
    private mutating func normalizeOutOfLine(_ tm: inout BrokenDownTime) -> Bool {
        // A single carry lands on the value the search continues from (the carried fields
        // sit at their minimum), so like in-range fields it needs no recording.
        if tm.isCanonical || tm.carrySingleOverflow() {
            if checksEveryTime { check(Civil.wallSeconds(of: tm)) }
            return tm.year > 70 || afterEpoch(Civil.wallSeconds(of: tm))
        }
        let wall = Civil.wallSeconds(of: tm)
        note(wall)
        let isDST = tm.isDST
        tm = BrokenDownTime(fieldsOfEpochSeconds: wall, offset: 0)
        tm.isDST = isDST
        return tm.year > 70 || afterEpoch(wall)
    }

    @inline(__always)
    mutating func weekday(of tm: BrokenDownTime) -> Int? {
        var t = tm
        guard normalize(&t) else { return nil }
        return Civil.weekday(days: Civil.days(year: t.year + 1900, month: t.month + 1, day: t.day))
    }

    @inline(__always)
    mutating func isAlreadyNormal(_ tm: BrokenDownTime) -> Bool {
        guard tm.year > 70 && tm.isCanonical else { return false }
        if checksEveryTime { check(Civil.wallSeconds(of: tm)) }
        return true
    }

    mutating func noteFinal(_ tm: BrokenDownTime) {
        finalWall = Civil.wallSeconds(of: tm)
        note(finalWall)
    }

    mutating func noteStuck() { unsure = true }

    /// The flag glibc carries is the one of `normalized`; it only matches `continuation` if no
    /// DST change lies between them. The range check covers both ends; the precise pass must
    /// also rule out a change strictly between them.
    mutating func noteCarriedDST(from normalized: BrokenDownTime, to continuation: BrokenDownTime) {
        let high = Civil.wallSeconds(of: normalized)
        let low = Civil.wallSeconds(of: continuation)
        note(high)
        note(low)
        guard checksEveryTime, low < high else { return }
        let w = watched
        if (w.0 < high && w.1 > low) || (w.2 < high && w.3 > low) || (w.4 < high && w.5 > low)
            || (w.6 < high && w.7 > low) { unsure = true }
    }
}

/// glibc 2.36's `mktime` (time/mktime.c), step for step: probe `localtime` starting from the
/// offset the previous call ended with, detect oscillation in a spring-forward gap, search
/// ±601200 s strides for a requested DST flag, then fall back to a one-hour shift. The carried
/// `offsetGuess` is what makes repeated wall-clock hours resolve the way systemd resolves them.
struct GlibcMktimeClock: ConversionClock {
    static var isPure: Bool { false }
    let zone: ZoneRules
    /// glibc's static `localtime_offset`: minus the UTC offset found by the previous call.
    var offsetGuess: Int

    init(zone: ZoneRules, offsetGuess: Int) {
        self.zone = zone
        self.offsetGuess = offsetGuess
    }

    @inline(__always) private static func isDSTDiffer(_ a: Int, _ b: Int) -> Bool {
        ((a == 0) != (b == 0)) && a >= 0 && b >= 0
    }

    mutating func makeTime(_ tp: inout BrokenDownTime) -> Int? {
        let (year, yday) = Civil.yearAndYearDay(of: tp)
        let hour = tp.hour
        let minute = tp.minute
        let requestedSecond = tp.second
        let second = min(max(requestedSecond, 0), 59)
        let isdst = tp.isDST
        let negativeOffsetGuess = 0 &- offsetGuess

        func difference(to tm: BrokenDownTime) -> Int {
            Civil.secondsBetween(year1: year, yday1: yday, hour1: hour, min1: minute, sec1: second,
                                 year0: tm.year, yday0: tm.yearDay, hour0: tm.hour, min0: tm.minute, sec0: tm.second)
        }

        let t0 = Civil.secondsBetween(year1: year, yday1: yday, hour1: hour, min1: minute, sec1: second,
                                      year0: 70, yday0: 0, hour0: 0, min0: 0, sec0: negativeOffsetGuess)
        var t = t0, t1 = t0, t2 = t0
        var previousWasDST = 0
        var remainingProbes = 6
        var tm = zone.breakDown(t)
        var oscillating = false
        while true {
            tm = zone.breakDown(t)
            let dt = difference(to: tm)
            if dt == 0 { break }
            let probeDST = tm.isDST != 0 ? 1 : 0
            if t == t1 && t != t2
                && (tm.isDST < 0 || (isdst < 0 ? previousWasDST <= probeDST : (isdst != 0 ? 1 : 0) != probeDST)) {
                // A spring-forward gap: keep the probe we are on, as glibc does.
                oscillating = true
                break
            }
            remainingProbes -= 1
            if remainingProbes == 0 { return nil }
            t1 = t2
            t2 = t
            t += dt
            previousWasDST = probeDST
        }

        if !oscillating && GlibcMktimeClock.isDSTDiffer(isdst, tm.isDST) {
            let dstDifference = (isdst == 0 ? 1 : 0) - (tm.isDST == 0 ? 1 : 0)
            let stride = 601_200
            let deltaBound = 457_243_209 / 2 + stride
            var repaired = false
            var delta = stride
            probing: while delta < deltaBound {
                for direction in [-1, 1] {
                    let ot = t + delta * direction
                    let otm = zone.breakDown(ot)
                    if !GlibcMktimeClock.isDSTDiffer(isdst, otm.isDST) {
                        let gt = ot + difference(to: otm)
                        tm = zone.breakDown(gt)
                        t = gt
                        repaired = true
                        break probing
                    }
                }
                delta += stride
            }
            if !repaired {
                t += 3600 * dstDifference
                tm = zone.breakDown(t)
            }
        }

        offsetGuess = t &- t0 &- negativeOffsetGuess
        if requestedSecond != tm.second {
            var adjustment = second == 0 && tm.second == 60 ? 1 : 0
            adjustment += requestedSecond - second
            t += adjustment
            tm = zone.breakDown(t)
        }
        tp = tm
        return t
    }
}
