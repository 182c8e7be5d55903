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
