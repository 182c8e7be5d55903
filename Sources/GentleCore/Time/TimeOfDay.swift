import Foundation

/// A wall-clock time of day, minute precision: `"07:00"`, `"21:30"`.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0 else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Accepts `"HH:MM"` and `"H:MM"`; `"24:00"` means the end of the day.
    public init?(parsing text: String) {
        let parts = text.trimmingCharactersInSpaces().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(hour: h, minute: m)
    }

    /// Minutes since midnight, 0...1440.
    public var minuteOfDay: Int { hour * 60 + minute }

    public init(minuteOfDay: Int) {
        let clamped = min(max(minuteOfDay, 0), 1440)
        hour = clamped / 60
        minute = clamped % 60
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minuteOfDay < rhs.minuteOfDay }

    public var description: String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}

/// A daily span `"09:00..20:00"`. The end may be earlier than the start, which means the span
/// crosses midnight (quiet hours `"21:30..07:00"`).
public struct TimeOfDayRange: Hashable, Sendable, CustomStringConvertible {
    public var start: TimeOfDay
    public var end: TimeOfDay

    public init(start: TimeOfDay, end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    public init?(parsing text: String) {
        let pieces = text.components(separatedBy: "..")
        guard pieces.count == 2, let s = TimeOfDay(parsing: pieces[0]), let e = TimeOfDay(parsing: pieces[1]),
              s != e else { return nil }
        self.init(start: s, end: e)
    }

    public var crossesMidnight: Bool { end < start }

    /// Whether a minute of the day (0..<1440) lies inside the span; start inclusive, end exclusive.
    public func contains(minuteOfDay m: Int) -> Bool {
        if crossesMidnight { return m >= start.minuteOfDay || m < end.minuteOfDay }
        return m >= start.minuteOfDay && m < end.minuteOfDay
    }

    /// Length in minutes, 1...1439 (a span never covers the whole day).
    public var lengthInMinutes: Int {
        crossesMidnight ? 1440 - start.minuteOfDay + end.minuteOfDay : end.minuteOfDay - start.minuteOfDay
    }

    public var description: String { "\(start)..\(end)" }
}
