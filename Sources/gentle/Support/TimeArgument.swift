import Foundation
import GentleCore

/// Moments on the command line: `@1795786200`, `2026-11-27 14:30`, `2026-11-27T14:30:00+01:00`,
/// `14:30` (today), `tomorrow 09:00`, `yesterday`, `now`, and `-3d` / `-2h` (that long ago, as
/// in systemd.time).
enum TimeArgument {
    static func parse(_ text: String, now: Date, clock: ZoneClock) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "now" { return now }
        if trimmed.hasPrefix("@"), let seconds = Double(trimmed.dropFirst()) { return Date(timeIntervalSince1970: seconds) }
        if trimmed.hasPrefix("-"), let ago = GentleDuration(parsing: String(trimmed.dropFirst())) {
            return now.addingTimeInterval(-ago.timeInterval)
        }
        if let iso = ISO8601Offset.parse(trimmed) { return iso }
        var words = trimmed.split(separator: " ").map(String.init)
        var day = clock.localDay(now)
        if let first = words.first {
            if first == "today" { words.removeFirst() }
            else if first == "tomorrow" { day += 1; words.removeFirst() }
            else if first == "yesterday" { day -= 1; words.removeFirst() }
            else if case let .once(y, m, d)? = DayOfYearOrDate(parsing: first) {
                day = CivilDate.toDays(y, m, d)
                words.removeFirst()
            }
        }
        switch words.count {
        case 0: return clock.date(day: day, secondOfDay: 0)
        case 1:
            let parts = words[0].split(separator: ":")
            guard parts.count == 2 || parts.count == 3, let t = TimeOfDay(parsing: parts[0] + ":" + parts[1]) else {
                return nil
            }
            let seconds = parts.count == 3 ? Int(parts[2]) ?? -1 : 0
            guard (0..<60).contains(seconds) else { return nil }
            return clock.date(day: day, secondOfDay: t.minuteOfDay * 60 + seconds)
        default: return nil
        }
    }
}
