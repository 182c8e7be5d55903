/// systemd's `format_timestamp` (pretty and UTC styles) and `format_timestamp_relative`.
public enum SystemdTimestampFormat {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let usecPerMinute: Int64 = 60_000_000
    private static let usecPerHour: Int64 = 3_600_000_000
    private static let usecPerDay: Int64 = 86_400_000_000
    private static let usecPerWeek: Int64 = 604_800_000_000
    private static let usecPerMonth: Int64 = 2_629_800_000_000
    private static let usecPerYear: Int64 = 31_557_600_000_000

    /// `Wed 2023-11-15 09:00:00 CET`: local time in `zone` with its abbreviation.
    public static func local(_ usec: Int64, zone: ZoneRules) -> String {
        guard usec <= CalendarSpec.latestFormattableMicroseconds else { return "--- XXXX-XX-XX XX:XX:XX" }
        let tm = zone.breakDown(Int(floorDivide(usec, 1_000_000)))
        let abbreviation = zone.abbreviation(tm.abbreviation)
        return fields(tm) + (abbreviation.isEmpty ? "" : " " + abbreviation)
    }

    /// `Wed 2023-11-15 08:00:00 UTC`.
    public static func utc(_ usec: Int64) -> String {
        guard usec <= CalendarSpec.latestFormattableMicroseconds else { return "--- XXXX-XX-XX XX:XX:XX UTC" }
        return fields(BrokenDownTime(epochSeconds: Int(floorDivide(usec, 1_000_000)), offset: 0)) + " UTC"
    }

    private static func fields(_ tm: BrokenDownTime) -> String {
        weekdays[tm.weekday] + " " + pad(tm.year + 1900, 4) + "-" + pad(tm.month + 1, 2) + "-" + pad(tm.day, 2) + " "
            + pad(tm.hour, 2) + ":" + pad(tm.minute, 2) + ":" + pad(tm.second, 2)
    }

    /// `3 years 0 months ago`, `1 day 2h left`, `4min 10s ago`, `now`.
    public static func relative(_ usec: Int64, now: Int64) -> String {
        let (d, suffix) = now > usec ? (now - usec, "ago") : (usec - now, "left")
        func plural(_ n: Int64, _ one: String, _ many: String) -> String { "\(n) " + (n == 1 ? one : many) }
        if d >= usecPerYear {
            return plural(d / usecPerYear, "year", "years") + " " + plural(d % usecPerYear / usecPerMonth, "month", "months") + " " + suffix
        }
        if d >= usecPerMonth {
            return plural(d / usecPerMonth, "month", "months") + " " + plural(d % usecPerMonth / usecPerDay, "day", "days") + " " + suffix
        }
        if d >= usecPerWeek {
            return plural(d / usecPerWeek, "week", "weeks") + " " + plural(d % usecPerWeek / usecPerDay, "day", "days") + " " + suffix
        }
        if d >= 2 * usecPerDay { return "\(d / usecPerDay) days \(suffix)" }
        if d >= 25 * usecPerHour { return "1 day \((d - usecPerDay) / usecPerHour)h \(suffix)" }
        if d >= 6 * usecPerHour { return "\(d / usecPerHour)h \(suffix)" }
        if d >= usecPerHour { return "\(d / usecPerHour)h \(d % usecPerHour / usecPerMinute)min \(suffix)" }
        if d >= 5 * usecPerMinute { return "\(d / usecPerMinute)min \(suffix)" }
        if d >= usecPerMinute { return "\(d / usecPerMinute)min \(d % usecPerMinute / 1_000_000)s \(suffix)" }
        if d >= 1_000_000 { return "\(d / 1_000_000)s \(suffix)" }
        if d >= 1000 { return "\(d / 1000)ms \(suffix)" }
        if d > 0 { return "\(d)us \(suffix)" }
        return "now"
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
