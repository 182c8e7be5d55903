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
