import Foundation

/// Days and times as the log summary writes them, in English and in one time zone:
/// "Tue 25 Nov", "Tuesday 25 November", "14:31". Written by hand rather than with
/// `DateFormatter` so the output does not depend on the machine's locale data.
struct LogDateText {
    let clock: ZoneClock

    init(timeZone: TimeZone) { clock = ZoneClock(zone: timeZone) }

    private static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                                 "September", "October", "November", "December"]

    func day(of date: Date) -> Int64 { clock.localDay(date) }

    /// "Tue 25 Nov", with the year when asked.
    func shortDay(_ day: Int64, withYear: Bool = false) -> String {
        let (y, m, d) = CivilDate.fromDays(day)
        let weekday = Self.weekdays[clock.isoWeekday(day: day) - 1].prefix(3)
        return "\(weekday) \(d) \(Self.months[m - 1].prefix(3))" + (withYear ? " \(y)" : "")
    }

    /// "Tuesday 25 November".
    func longDay(_ day: Int64) -> String {
        let (_, m, d) = CivilDate.fromDays(day)
        return "\(Self.weekdays[clock.isoWeekday(day: day) - 1]) \(d) \(Self.months[m - 1])"
    }

    func year(_ day: Int64) -> Int { CivilDate.fromDays(day).year }

    /// "14:31".
    func time(_ date: Date) -> String {
        let minute = clock.minuteOfDay(date)
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    /// "Tue 25 Nov – Mon 1 Dec 2026", "Tue 25 Nov 2026", "Sat 27 Dec 2025 – Fri 2 Jan 2026" for
    /// [start, end): the end itself is not part of it.
    func span(from start: Date, to end: Date) -> String {
        let first = day(of: start)
        let last = max(first, day(of: end.addingTimeInterval(-0.001)))
        if first == last { return shortDay(first, withYear: true) }
        let sameYear = year(first) == year(last)
        return shortDay(first, withYear: !sameYear) + " – " + shortDay(last, withYear: true)
    }
}
