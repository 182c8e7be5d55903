import Foundation

/// The `Date:` header format of RFC 5322 §3.3: `Thu, 27 Nov 2026 14:30:00 +0100`.
public enum RFC5322Date {
    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func format(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let days = floorDiv(local, 86_400)
        let secondOfDay = local - days * 86_400
        let (year, month, day) = CivilDate.fromDays(days)
        let weekday = weekdays[CivilDate.isoWeekday(days: days) - 1]
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset) / 60
        return "\(weekday), \(day) \(months[month - 1]) \(year) "
            + two(secondOfDay / 3600) + ":" + two(secondOfDay / 60 % 60) + ":" + two(secondOfDay % 60)
            + " \(sign)" + two(Int64(magnitude / 60)) + two(Int64(magnitude % 60))
    }

    private static func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
