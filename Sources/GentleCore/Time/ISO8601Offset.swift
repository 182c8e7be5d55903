import Foundation

/// ISO 8601 timestamps with a numeric offset (`2026-11-27T14:30:00.123+01:00`), written and read
/// without Foundation's formatters: the log holds hundreds of thousands of them.
public enum ISO8601Offset {
    /// Formats `date` in `zone` with 0, 3 or 6 fraction digits.
    public static func format(_ date: Date, in zone: TimeZone, fractionDigits: Int = 3) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let t = date.timeIntervalSince1970
        var whole = Int64(t.rounded(.down))
        var fraction = t - Double(whole)
        let scale: Double = fractionDigits == 6 ? 1_000_000 : (fractionDigits == 3 ? 1000 : 1)
        var fracUnits = Int64((fraction * scale).rounded(.down))
        if fracUnits >= Int64(scale) { whole += 1; fracUnits = 0; fraction = 0 }
        let local = whole + Int64(offset)
        let (y, m, d) = CivilDate.fromDays(Int64(floorDiv(local, 86_400)))
        let secOfDay = local - floorDiv(local, 86_400) * 86_400
        var s = ""
        s.reserveCapacity(32)
        s += pad(Int64(y), 4) + "-" + pad(Int64(m), 2) + "-" + pad(Int64(d), 2)
        s += "T" + pad(secOfDay / 3600, 2) + ":" + pad(secOfDay / 60 % 60, 2) + ":" + pad(secOfDay % 60, 2)
        if fractionDigits == 3 || fractionDigits == 6 { s += "." + pad(fracUnits, fractionDigits) }
        if offset == 0 { return s + "Z" }
        let sign = offset < 0 ? "-" : "+"
        let a = abs(offset)
        return s + sign + pad(Int64(a / 3600), 2) + ":" + pad(Int64(a / 60 % 60), 2)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`; nil for anything else.
    public static func parse(_ text: String) -> Date? {
        var u = Array(text.utf8)
        guard u.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= u.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + len) {
                let c = u[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        guard let y = num(0, 4), u[4] == 0x2D, let mo = num(5, 2), u[7] == 0x2D, let d = num(8, 2),
              u[10] == 0x54 || u[10] == 0x20, let h = num(11, 2), u[13] == 0x3A, let mi = num(14, 2), u[16] == 0x3A,
              let s = num(17, 2), (1...12).contains(mo), d >= 1, d <= CivilDate.daysInMonth(Int(y), Int(mo)),
              h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < u.count, u[i] == 0x2E {
            i += 1
            var scale = 0.1
            let start = i
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
                fraction += Double(u[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < u.count else { return nil }
        var offset: Int64 = 0
        if u[i] == 0x5A {
            i += 1
        } else if u[i] == 0x2B || u[i] == 0x2D {
            guard let oh = num(i + 1, 2), i + 3 < u.count, u[i + 3] == 0x3A, let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (u[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        u.removeAll()
        let days = CivilDate.toDays(Int(y), Int(mo), Int(d))
        let epoch = days * 86_400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: Double(epoch) + fraction)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).
public enum CivilDate {
    public static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    public static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since the epoch for a civil date (Howard Hinnant's algorithm).
    public static func toDays(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y0 - 1 : y0)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = Int64((m + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func fromDays(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// ISO weekday (Monday 1 … Sunday 7) of a day number.
    public static func isoWeekday(days: Int64) -> Int {
        // 1970-01-01 was a Thursday (4).
        Int((floorDiv(days + 3, 7) * -7 + days + 3)) + 1
    }
}
