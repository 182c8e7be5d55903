/// The steps of systemd's search that convert: bounds checks, days from the month's end and
/// weekdays.
extension ElapseSearch {
    /// systemd's `tm_within_bounds`: 1 when `tm` is already normal, 0 when normalizing moved it
    /// forward (then `tm` holds the normalized value with the next-lower field reset), negative
    /// when it is out of range or normalizing would move it backwards.
    @inline(never) mutating func withinBounds(_ tm: inout BrokenDownTime) -> Int {
        if tm.year + 1900 > CalendarPattern.maxYear { return -1 }
        if clock.isAlreadyNormal(tm) { return 1 }
        var t = tm
        if !clock.normalize(&t) { return -1 }
        let normalized = t
        var order: Int
        if t.year != tm.year {
            order = t.year < tm.year ? -1 : 1
            t.month = 0
        } else if t.month != tm.month {
            order = t.month < tm.month ? -1 : 1
            t.day = 1
        } else if t.day != tm.day {
            order = t.day < tm.day ? -1 : 1
            t.hour = 0
        } else if t.hour != tm.hour {
            order = t.hour < tm.hour ? -1 : 1
            t.minute = 0
        } else if t.minute != tm.minute {
            order = t.minute < tm.minute ? -1 : 1
            t.second = 0
        } else {
            order = t.second == tm.second ? 0 : (t.second < tm.second ? -1 : 1)
        }
        if order < 0 { return -1 }
        if order > 0 {
            // The search continues from `t`, carrying the DST flag of `normalized` into the
            // next conversion.
            clock.noteCarriedDST(from: normalized, to: t)
            tm = t
        }
        return order == 0 ? 1 : 0
    }

    /// `withinBounds` after one field was just moved. A clock that vouches for in-range fields
    /// (the wall clock) needs no conversion when that field is still in range: every other
    /// field was already normal.
    ///
    /// Inside a round the year never moves without a conversion, so only the top of the round
    /// needs the year checks.
    @inline(__always)
    mutating func checkBounds(_ c: inout BrokenDownTime, fieldInRange: Bool, trusted: Bool,
                                      yearChecked: Bool = true) -> Int {
        if trusted && fieldInRange && (yearChecked || (c.year > 70 && c.year + 1900 <= CalendarPattern.maxYear)) {
            return 1
        }
        return checkBoundsOutOfLine(&c, fieldInRange: fieldInRange, trusted: trusted)
    }

    @inline(never)
    mutating func checkBoundsOutOfLine(_ c: inout BrokenDownTime, fieldInRange: Bool, trusted: Bool) -> Int {
        if clock.trustsInRangeFields && fieldInRange && c.year > 70 && c.year + 1900 <= CalendarPattern.maxYear {
            // A clock that checks every candidate gets to see this one.
            clock.noteWall(Civil.wallSeconds(of: c))
            return 1
        }
        return withinBounds(&c)
    }

    /// The day of the month that is `fromEnd` days before the next month's first day, or -1.
    mutating func dayFromMonthEnd(_ tm: BrokenDownTime, _ fromEnd: Int) -> Int {
        if clock.trustsInRangeFields && tm.year > 70 && tm.isCanonical {
            // Plain arithmetic: the day `fromEnd` days before next month's first, at the
            // same time of day (recorded, as a conversion would be); past it is next month.
            let length = Civil.daysInMonth(year: tm.year + 1900, month: tm.month + 1)
            let day = length + 1 - fromEnd
            guard day >= 1 else { return dayFromMonthEndConverting(tm, fromEnd) }
            if day > length { return -1 }
            clock.noteWall(Civil.days(year: tm.year + 1900, month: tm.month + 1, day: day) * 86_400
                           + tm.hour * 3600 + tm.minute * 60 + tm.second)
            return day
        }
        return dayFromMonthEndConverting(tm, fromEnd)
    }

    mutating func dayFromMonthEndConverting(_ tm: BrokenDownTime, _ fromEnd: Int) -> Int {
        var t = tm
        t.month += 1
        t.day = 1 - fromEnd
        if !clock.normalize(&t) || t.month != tm.month { return -1 }
        return t.day
    }

    /// `find_matching_component` for a day chain counted from the month's end.
    mutating func advanceFromMonthEnd(_ chain: CalendarChain?, _ tm: BrokenDownTime, _ value: inout Int) -> Int {
        guard let chain else { return 0 }
        var best = 0
        var found = false
        for c in chain {
            var start = dayFromMonthEnd(tm, c.start)
            var stop = dayFromMonthEnd(tm, c.stop)
            if stop > 0 { swap(&start, &stop) }
            if start >= value {
                if !found || start < best { best = start; found = true }
            } else if c.step > 0 {
                let k = start + c.step * ((value - start + c.step - 1) / c.step)
                if (!found || k < best) && (stop < 0 || k <= stop) { best = k; found = true }
            }
        }
        guard found else { return -1 }
        defer { value = best }
        return value != best ? 1 : 0
    }

    /// Days from `tm` to the next day whose weekday the pattern allows (0 if `tm`'s is).
    @inline(__always) mutating func daysToAllowedWeekday(_ tm: BrokenDownTime) -> Int? {
        let bits = plan.weekdayBits
        guard bits > 0, let weekday = clock.weekday(of: tm) else { return nil }
        var k = weekday == 0 ? 6 : weekday - 1
        for ahead in 0..<7 {
            if bits & (1 << k) != 0 { return ahead }
            k = k == 6 ? 0 : k + 1
        }
        return nil
    }

    @inline(__always) mutating func matchesWeekday(_ tm: BrokenDownTime) -> Bool {
        let bits = plan.weekdayBits
        if bits < 0 || bits >= CalendarPattern.allWeekdays { return true }
        guard let weekday = clock.weekday(of: tm) else { return false }
        let k = weekday == 0 ? 6 : weekday - 1
        return bits & (1 << k) != 0
    }

    /// Orders two broken-down times by their fields (not their instants).
    @inline(__always) static func compareFields(_ a: BrokenDownTime, _ b: BrokenDownTime) -> Int {
        if a.year != b.year { return a.year < b.year ? -1 : 1 }
        if a.month != b.month { return a.month < b.month ? -1 : 1 }
        if a.day != b.day { return a.day < b.day ? -1 : 1 }
        if a.hour != b.hour { return a.hour < b.hour ? -1 : 1 }
        if a.minute != b.minute { return a.minute < b.minute ? -1 : 1 }
        if a.second != b.second { return a.second < b.second ? -1 : 1 }
        return 0
    }
}
