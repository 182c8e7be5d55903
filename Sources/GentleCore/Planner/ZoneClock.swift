import Foundation

/// Wall-clock arithmetic in one time zone: which local day and minute a moment falls on, and
/// which moment a local day and minute mean. Days are numbered from 1970-01-01 (local).
public struct ZoneClock: Sendable {
    public let zone: TimeZone

    public init(zone: TimeZone) { self.zone = zone }

    public func offset(at epochSeconds: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(epochSeconds))))
    }

    /// Local day number and second of that day.
    public func local(_ date: Date) -> (day: Int64, secondOfDay: Int) {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        let local = t + offset(at: t)
        let day = floorDiv(local, 86_400)
        return (day, Int(local - day * 86_400))
    }

    public func localDay(_ date: Date) -> Int64 { local(date).day }

    public func minuteOfDay(_ date: Date) -> Int { local(date).secondOfDay / 60 }

    public func isoWeekday(day: Int64) -> Int { CivilDate.isoWeekday(days: day) }

    /// The moment a local day and second of day mean. A wall time that does not exist (spring
    /// forward) moves later by the length of the gap; one that happens twice (fall back) means
    /// the first. `secondOfDay` may exceed a day; it then rolls into the following days.
    public func date(day: Int64, secondOfDay: Int) -> Date {
        let local = day * 86_400 + Int64(secondOfDay)
        let before = offset(at: local - 86_400)
        let after = offset(at: local + 86_400)
        let first = local - before
        let second = local - after
        let firstValid = offset(at: first) == before
        let secondValid = offset(at: second) == after
        let t: Int64
        switch (firstValid, secondValid) {
        case (true, true): t = min(first, second)
        case (true, false): t = first
        case (false, true): t = second
        case (false, false): t = first  // in a gap: the old offset lands after the jump
        }
        return Date(timeIntervalSince1970: Double(t))
    }

    public func date(day: Int64, minuteOfDay: Int) -> Date { date(day: day, secondOfDay: minuteOfDay * 60) }

    /// Start of the local day that contains `date`.
    public func startOfDay(_ date: Date) -> Date { self.date(day: localDay(date), secondOfDay: 0) }

    /// `YYYY-MM-DD` of a local day.
    public func dayString(_ day: Int64) -> String {
        let (y, m, d) = CivilDate.fromDays(day)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))"
    }
}
