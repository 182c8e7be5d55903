import Foundation

/// Short sentences about what comes next, for `STATUS=`, `gentle status` and `gentle next`.
public struct StatusText: Sendable {
    public let clock: ZoneClock

    public init(clock: ZoneClock) { self.clock = clock }

    /// `Next: "Breathe" at 14:30 (in 2h 5m)`; `at Sat 09:10` when not today.
    public func next(title: String, due: Date, now: Date) -> String {
        let wait = GentleDuration(seconds: Int64(max(0, due.timeIntervalSince(now)).rounded(.up)))
        return "Next: \"\(title)\" at \(when(due, now: now)) (in \(wait.inWords))"
    }

    /// `14:30` today, `Sat 09:10` within a week, `2026-12-24 09:10` beyond.
    public func when(_ date: Date, now: Date) -> String {
        let (day, second) = clock.local(date)
        let time = TimeOfDay(minuteOfDay: second / 60).description
        let today = clock.localDay(now)
        if day == today { return time }
        if day > today && day - today < 7 {
            let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            return names[clock.isoWeekday(day: day) - 1] + " " + time
        }
        return clock.dayString(day) + " " + time
    }
}
