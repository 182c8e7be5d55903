import Foundation

/// Which records `gentle log` looks at: a span of `at` times (start included, end excluded;
/// either side may be open), optionally one check-in, optionally replies only.
public struct LogFilter: Sendable, Equatable {
    public var start: Date?
    public var end: Date?
    public var checkin: String?
    public var repliesOnly: Bool

    public init(start: Date? = nil, end: Date? = nil, checkin: String? = nil, repliesOnly: Bool = false) {
        self.start = start
        self.end = end
        self.checkin = checkin
        self.repliesOnly = repliesOnly
    }

    public func includesTime(_ date: Date) -> Bool {
        if let start, date < start { return false }
        if let end, date >= end { return false }
        return true
    }

    public func includes(_ record: EventRecord) -> Bool {
        if repliesOnly && record.kind != .reply { return false }
        if let checkin, record.checkin != checkin { return false }
        return includesTime(record.at)
    }
}

/// The span a summary covers by default: the local day `end` falls in and the six before it,
/// so the heading names seven whole days ("Wed 19 Nov – Tue 25 Nov"), ending at `end`.
public enum LogWeek {
    public static func start(endingAt end: Date, timeZone: TimeZone) -> Date {
        let clock = ZoneClock(zone: timeZone)
        // The end is excluded: a week ending exactly at midnight is the seven days before it.
        let lastDay = clock.localDay(end.addingTimeInterval(-0.001))
        return clock.date(day: lastDay - 6, secondOfDay: 0)
    }
}
