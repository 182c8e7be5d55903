import Foundation

// PLACEHOLDER until the calendar engine lands (issue 2, item 3): same public API, tiny subset
// of the syntax ("daily", "hourly", "[Weekdays] HH:MM[:SS]"). Replaced wholesale by the engine.

public struct CalendarSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var expression: String
    public var reason: String

    public init(expression: String, reason: String) {
        self.expression = expression
        self.reason = reason
    }

    public var description: String { "Failed to parse calendar specification '\(expression)': \(reason)" }
}

/// A systemd `OnCalendar=` expression.
public struct CalendarSpec: Sendable, Hashable, CustomStringConvertible {
    public let original: String
    public let normalized: String
    private let weekdays: WeekdaySet
    private let hour: Int?
    private let minute: Int
    private let second: Int

    public init(parsing text: String) throws(CalendarSpecError) {
        original = text
        var words = text.split(separator: " ").map(String.init)
        var days = WeekdaySet.all
        if let first = words.first, let w = WeekdaySet(parsing: first), words.count == 2 {
            days = w
            words.removeFirst()
        }
        weekdays = days
        guard words.count == 1 else { throw CalendarSpecError(expression: text, reason: "unsupported") }
        switch words[0] {
        case "daily": hour = 0; minute = 0; second = 0
        case "hourly": hour = nil; minute = 0; second = 0
        default:
            let p = words[0].split(separator: ":").map { Int($0) }
            guard (2...3).contains(p.count), let h = p[0], let m = p[1], (0..<24).contains(h), (0..<60).contains(m)
            else { throw CalendarSpecError(expression: text, reason: "unsupported") }
            hour = h; minute = m; second = p.count == 3 ? (p[2] ?? 0) : 0
        }
        let wd = days == .all ? "" : "\(days) "
        normalized = wd + "*-*-* " + (hour.map { String(format: "%02d", $0) } ?? "*") + String(format: ":%02d:%02d", minute, second)
    }

    public var description: String { normalized }

    public func nextElapse(after date: Date, defaultTimeZone zone: TimeZone) -> Date? {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        var comps = DateComponents()
        comps.hour = hour
        comps.minute = minute
        comps.second = second
        var from = date
        for _ in 0..<400 {
            guard let next = cal.nextDate(after: from, matching: comps, matchingPolicy: .nextTime) else { return nil }
            let wd = (cal.component(.weekday, from: next) + 5) % 7 + 1
            if weekdays.contains(isoWeekday: wd) { return next }
            from = next
        }
        return nil
    }
}
