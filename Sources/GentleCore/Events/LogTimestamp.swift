import Foundation

/// Timestamps as the event log writes them (`2026-11-27T14:30:00.123+01:00`), formatted into and
/// parsed from raw bytes. Separate from `ISO8601Offset` because the log needs two things that one
/// does not give: exact round trips at millisecond precision (the fraction is read as an integer,
/// not summed digit by digit in floating point) and no allocation per timestamp when reading.
enum LogTimestamp {
    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: what four year digits can hold.
    static let earliest: Int64 = -62_167_219_200
    static let latest: Int64 = 253_402_300_799

    /// Appends `date` in `zone`, with milliseconds when `alwaysMilliseconds` is true or when the
    /// date is not a whole second. Dates outside years 0000–9999 (or NaN) are clamped, never trapped on.
    static func append(_ date: Date, in zone: TimeZone, alwaysMilliseconds: Bool, to out: inout [UInt8]) {
        let t = date.timeIntervalSince1970
        var totalMs: Int64
        if t.isNaN {
            totalMs = 0
        } else if t <= Double(earliest) {
            totalMs = earliest * 1000
        } else if t >= Double(latest) + 0.999 {
            totalMs = latest * 1000 + 999
        } else {
            totalMs = Int64((t * 1000).rounded())
        }
        let seconds = floorDiv(totalMs, 1000)
        let ms = totalMs - seconds * 1000
        var offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
        // ±HH:MM cannot carry seconds (old local mean times): such instants are written in UTC.
        if offset % 60 != 0 { offset = 0 }
        var local = seconds + Int64(offset)
        if local < earliest || local > latest { local = seconds; offset = 0 }
        let days = floorDiv(local, 86_400)
        let secondOfDay = local - days * 86_400
        let (y, m, d) = CivilDate.fromDays(days)
        digits(Int64(y), 4, &out); out.append(0x2D)
        digits(Int64(m), 2, &out); out.append(0x2D)
        digits(Int64(d), 2, &out); out.append(0x54)
        digits(secondOfDay / 3600, 2, &out); out.append(0x3A)
        digits(secondOfDay / 60 % 60, 2, &out); out.append(0x3A)
        digits(secondOfDay % 60, 2, &out)
        if alwaysMilliseconds || ms != 0 {
            out.append(0x2E)
            digits(ms, 3, &out)
        }
        if offset == 0 {
            out.append(0x5A)
        } else {
            out.append(offset < 0 ? 0x2D : 0x2B)
            let a = Int64(abs(offset))
            digits(a / 3600, 2, &out); out.append(0x3A)
            digits(a / 60 % 60, 2, &out)
        }
    }

    @inline(__always) private static func digits(_ value: Int64, _ width: Int, _ out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        for _ in 0..<width {
            out.append(UInt8(truncatingIfNeeded: 0x30 + (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// Parses `YYYY-MM-DD(T|t| )HH:MM:SS[.fraction](Z|z|±HH:MM)` from `bytes`; nil for anything
    /// else. Up to nine fraction digits are read exactly; further digits are ignored.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        let n = bytes.count
        guard n >= 20 else { return nil }
        @inline(__always) func number(_ from: Int, _ length: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + length) {
                let c = bytes[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c &- 0x30)
            }
            return v
        }
        guard let year = number(0, 4), bytes[4] == 0x2D, let month = number(5, 2), bytes[7] == 0x2D,
              let day = number(8, 2), bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
              let hour = number(11, 2), bytes[13] == 0x3A, let minute = number(14, 2), bytes[16] == 0x3A,
              let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= Int64(CivilDate.daysInMonth(Int(year), Int(month))),
              hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var fraction: Int64 = 0
        var fractionDigits = 0
        if bytes[i] == 0x2E {
            i += 1
            let start = i
            while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if fractionDigits < 9 {
                    fraction = fraction * 10 + Int64(bytes[i] &- 0x30)
                    fractionDigits += 1
                }
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < n else { return nil }
        var offset: Int64 = 0
        switch bytes[i] {
        case 0x5A, 0x7A:
            i += 1
        case 0x2B, 0x2D:
            guard i + 6 <= n, let oh = number(i + 1, 2), bytes[i + 3] == 0x3A, let om = number(i + 4, 2),
                  oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (bytes[i] == 0x2D ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == n else { return nil }
        let days = CivilDate.toDays(Int(year), Int(month), Int(day))
        let epoch = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        if fractionDigits == 0 { return Date(timeIntervalSince1970: Double(epoch)) }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        // One division of an exact integer gives the double nearest the written decimal, so a
        // time written with milliseconds reads back as the same `Date` it was written from.
        let (scaled, overflow) = epoch.multipliedReportingOverflow(by: scale)
        if !overflow {
            let (sum, overflow2) = scaled.addingReportingOverflow(fraction)
            if !overflow2 { return Date(timeIntervalSince1970: Double(sum) / Double(scale)) }
        }
        return Date(timeIntervalSince1970: Double(epoch) + Double(fraction) / Double(scale))
    }
}
