/// Writes a pattern back in systemd's normalized form (`calendar_spec_to_string`):
/// `Mon..Fri *-*-* 09..17/2:00:00 Europe/Berlin`.
enum CalendarFormatter {
    private static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    static func format(_ p: CalendarPattern) -> String {
        var out = ""
        if p.weekdayBits > 0 && p.weekdayBits <= CalendarPattern.allWeekdays {
            out += weekdays(p.weekdayBits) + " "
        }
        out += chain(p.year, width: 4) + "-" + chain(p.month, width: 2) + (p.endOfMonth ? "~" : "-")
        out += chain(p.day, width: 2) + " " + chain(p.hour, width: 2) + ":" + chain(p.minute, width: 2) + ":"
        out += chain(p.microsecond, width: 2, microseconds: true)
        if p.utc {
            out += " UTC"
        } else if let zone = p.timezone {
            out += " " + zone
        } else if p.dst >= 0, let name = p.dstAbbreviation, !name.isEmpty {
            out += " " + name
        }
        return out
    }

    /// Runs of three or more days as `A..C`, pairs as `A,B`.
    static func weekdays(_ bits: Int) -> String {
        var parts: [String] = []
        var day = 0
        while day < 7 {
            guard bits & (1 << day) != 0 else { day += 1; continue }
            var end = day
            while end + 1 < 7 && bits & (1 << (end + 1)) != 0 { end += 1 }
            switch end - day {
            case 0: parts.append(weekdayNames[day])
            case 1: parts.append(weekdayNames[day] + "," + weekdayNames[end])
            default: parts.append(weekdayNames[day] + ".." + weekdayNames[end])
            }
            day = end + 1
        }
        return parts.joined(separator: ",")
    }

    private static func chain(_ c: CalendarChain?, width: Int, microseconds: Bool = false) -> String {
        guard let c else { return "*" }
        let unit = microseconds ? CalendarChains.microsecondsPerSecond : 1
        if microseconds && c.contains(where: { $0.start == 0 && $0.stop < 0 && $0.step == unit }) { return "*" }
        return c.map { item in
            var s = padded(item.start / unit, width)
            if item.start % unit > 0 { s += "." + padded(item.start % unit, 6) }
            if item.stop > 0 { s += ".." + padded(item.stop / unit, width) }
            if item.stop % unit > 0 { s += "." + padded(item.stop % unit, 6) }
            if item.step > 0 && !(item.stop > 0 && item.step == unit) { s += "/" + String(item.step / unit) }
            if item.step % unit > 0 { s += "." + padded(item.step % unit, 6) }
            return s
        }.joined(separator: ",")
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
