/// The fields of C's `struct tm`, numbered the way glibc numbers them: `year` counts from 1900,
/// `month` is 0–11, `weekday` 0 = Sunday, `yearDay` 0-based. Fields may hold out-of-range values
/// between normalizations (day 34, month 13), exactly as systemd's search leaves them.
struct BrokenDownTime: Equatable, Sendable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var weekday: Int = 0
    var yearDay: Int = 0
    /// -1 unknown (let the conversion decide), 0 standard time, 1 daylight saving time.
    var isDST: Int = -1
    var utcOffset: Int = 0
    /// Index into the zone's abbreviation table.
    var abbreviation: Int = 0

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Breaks `seconds` since the epoch down as wall-clock time at `offset` seconds east of UTC.
    init(epochSeconds seconds: Int, offset: Int) {
        self.init(fieldsOfEpochSeconds: seconds, offset: offset)
        let days = Civil.floorDiv(seconds + offset, 86_400)
        weekday = Civil.weekday(days: days)
        yearDay = days - Civil.days(year: year + 1900, month: 1, day: 1)
    }

    /// Only the calendar fields of `seconds` at `offset` (no weekday or day of year).
    init(fieldsOfEpochSeconds seconds: Int, offset: Int) {
        let local = seconds + offset
        let days = Civil.floorDiv(local, 86_400)
        let secondOfDay = local - days * 86_400
        let (y, m, d) = Civil.date(fromDays: days)
        self.init(year: y - 1900, month: m - 1, day: d, hour: secondOfDay / 3600,
                  minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
        utcOffset = offset
    }

    /// Carries fields that overflow by exactly one unit (minute 60, hour 24, the day after the
    /// month's last, month 12) into the next field, as `mktime` would. False, leaving `self`
    /// unchanged, for anything else out of range.
    @inline(__always) mutating func carrySingleOverflow() -> Bool {
        var t = self
        guard UInt(t.second) < 60, t.minute >= 0, t.minute <= 60, t.hour >= 0, t.hour <= 24,
              t.month >= 0, t.month <= 12, t.day >= 1 else { return false }
        if t.month == 12 { t.month = 0; t.year += 1 }
        if t.minute == 60 { t.minute = 0; t.hour += 1 }
        if t.hour == 24 { t.hour = 0; t.day += 1 }
        if t.day > 28 {
            let length = Civil.daysInMonth(year: t.year + 1900, month: t.month + 1)
            guard t.day <= length + 1 else { return false }
            if t.day == length + 1 {
                t.day = 1
                t.month += 1
                if t.month == 12 { t.month = 0; t.year += 1 }
            }
        }
        self = t
        return true
    }

    /// True when every field lies in its calendar range, so normalization would change nothing.
    var isCanonical: Bool {
        @inline(__always) get {
            guard UInt(month) < 12, day >= 1, UInt(hour) < 24, UInt(minute) < 60, UInt(second) < 60 else { return false }
            return day <= 28 || day <= Civil.daysInMonth(year: year + 1900, month: month + 1)
        }
    }
}

/// Proleptic Gregorian arithmetic on plain `Int`s, shaped like glibc's so results agree for every
/// input systemd can produce, including out-of-range fields.
enum Civil {
    @inline(__always) static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    @inline(__always) static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    @inline(__always) static func daysInMonth(year: Int, month: Int) -> Int {
        if month == 2 { return isLeap(year) ? 29 : 28 }
        return 30 + ((month + (month >> 3)) & 1)
    }

    /// Days in the year before month `index` (0 = January … 12 = the whole year): glibc's
    /// `__mon_yday` table, computed.
    @inline(__always) static func daysBeforeMonth(_ index: Int, leap: Bool) -> Int {
        if index < 2 { return 31 * index }
        return (153 * (index - 2) + 2) / 5 + 59 + (leap ? 1 : 0)
    }

    /// Days since 1970-01-01 of a civil date (month 1–12, day in range).
    @inline(__always) static func days(year y0: Int, month m: Int, day d: Int) -> Int {
        if y0 > 0 && y0 < 1_000_000 && m >= 1 && m <= 12 {
            // Unsigned arithmetic: divisions by constants become multiplications.
            let y = UInt32(truncatingIfNeeded: m <= 2 ? y0 - 1 : y0)
            let era = y / 400
            let yoe = y - era * 400
            let mp = UInt32(truncatingIfNeeded: (m + 9) % 12)
            let doy = (153 * mp + 2) / 5 + UInt32(truncatingIfNeeded: d) &- 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            return Int(era) * 146_097 + Int(doe) - 719_468
        }
        return daysByEras(year: y0, month: m, day: d)
    }

    /// Howard Hinnant's `days_from_civil`, valid for every year.
    static func daysByEras(year y0: Int, month m: Int, day d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number (days since 1970-01-01).
    @inline(__always) static func date(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        if z0 >= -719_468 && z0 < 100_000_000 {
            // Neri & Schneider's Euclidean affine form: days since 0000-03-01, multiplications
            // and shifts only. Checked against the general form below in the unit tests.
            let n = UInt32(truncatingIfNeeded: z0 + 719_468)
            let n1 = 4 &* n &+ 3
            let century = n1 / 146_097
            let dayOfCentury = n1 % 146_097 / 4
            let n2 = 4 &* dayOfCentury &+ 3
            let p2 = UInt64(2_939_745) &* UInt64(n2)
            let yearOfCentury = UInt32(truncatingIfNeeded: p2 >> 32)
            let dayOfYear = UInt32(truncatingIfNeeded: p2) / 2_939_745 / 4
            let n3 = 2141 &* dayOfYear &+ 197_913
            let month = n3 >> 16
            let day = (n3 & 0xFFFF) / 2141
            let january = dayOfYear >= 306
            return (Int(100 &* century &+ yearOfCentury) + (january ? 1 : 0),
                    Int(january ? month &- 12 : month), Int(day) + 1)
        }
        return dateByEras(fromDays: z0)
    }

    /// Howard Hinnant's `civil_from_days`, valid for every day number.
    static func dateByEras(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// 0 = Sunday, like `tm_wday`. 1970-01-01 was a Thursday.
    @inline(__always) static func weekday(days: Int) -> Int {
        let w = (days + 4) % 7
        return w < 0 ? w + 7 : w
    }

    /// glibc's `ydhms_diff`: seconds between two (tm_year, yday, h, m, s) points, assuming no
    /// clock changes in between. Years count from 1900 and need not be in range.
    @inline(__always)
    static func secondsBetween(year1: Int, yday1: Int, hour1: Int, min1: Int, sec1: Int,
                               year0: Int, yday0: Int, hour0: Int, min0: Int, sec0: Int) -> Int {
        let a4 = (year1 >> 2) + (1900 >> 2) - ((year1 & 3) == 0 ? 1 : 0)
        let b4 = (year0 >> 2) + (1900 >> 2) - ((year0 & 3) == 0 ? 1 : 0)
        let a100 = floorDiv(a4, 25)
        let b100 = floorDiv(b4, 25)
        let a400 = a100 >> 2
        let b400 = b100 >> 2
        let leapDays = (a4 - b4) - (a100 - b100) + (a400 - b400)
        let days = 365 * (year1 - year0) + yday1 - yday0 + leapDays
        return ((24 * days + hour1 - hour0) * 60 + min1 - min0) * 60 + sec1 - sec0
    }

    /// Splits out-of-range months into years and returns (tm_year, day of year) the way glibc's
    /// mktime does before probing: the day of year may itself be out of range.
    @inline(__always) static func yearAndYearDay(of tm: BrokenDownTime) -> (year: Int, yday: Int) {
        let remainder = tm.month % 12
        let negative = remainder < 0 ? 1 : 0
        let year = tm.year + tm.month / 12 - negative
        let monthIndex = remainder + 12 * negative
        let yday = daysBeforeMonth(monthIndex, leap: isLeap(year + 1900)) - 1 + tm.day
        return (year, yday)
    }

    /// Wall-clock seconds since the epoch that `tm` names when read as UTC, out-of-range fields
    /// carried over: what `timegm` computes.
    @inline(__always) static func wallSeconds(of tm: BrokenDownTime) -> Int {
        if tm.isCanonical {
            return days(year: tm.year + 1900, month: tm.month + 1, day: tm.day) * 86_400
                + tm.hour * 3600 + tm.minute * 60 + tm.second
        }
        let (year, yday) = yearAndYearDay(of: tm)
        return secondsBetween(year1: year, yday1: yday, hour1: tm.hour, min1: tm.minute, sec1: tm.second,
                              year0: 70, yday0: 0, hour0: 0, min0: 0, sec0: 0)
    }
}
