/// systemd's `find_next` (calendarspec.c, v252): walk the fields from year down to seconds,
/// moving each to its next allowed value and letting `mktime` normalize what overflows. Every
/// conversion goes through `Clock`, in the same order and with the same `tm_isdst` as systemd, so
/// DST gaps, repeated hours and month ends come out exactly as systemd computes them.
struct ElapseSearch<Clock: ConversionClock> {
    enum Outcome: Equatable {
        /// The elapse is `final` and `microsecond`.
        case found(microsecond: Int)
        /// `-ENOENT`: the expression will not elapse again.
        case never
        /// `-EDEADLK`: systemd's safety valve of 1000 rounds tripped.
        case endlessLoop
    }

    static var maxRounds: Int { 1000 }

    unowned(unsafe) let plan: SearchPlan
    var clock: Clock
    /// Where the search ended: the elapse when it found one.
    private(set) var final = BrokenDownTime(year: 70, month: 0, day: 1, hour: 0, minute: 0, second: 0)

    init(plan: SearchPlan, clock: Clock) {
        self.plan = plan
        self.clock = clock
    }

    /// systemd's `tm_within_bounds`: 1 when `tm` is already normal, 0 when normalizing moved it
    /// forward (then `tm` holds the normalized value with the next-lower field reset), negative
    /// when it is out of range or normalizing would move it backwards.
    @inline(never) private mutating func withinBounds(_ tm: inout BrokenDownTime) -> Int {
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
    private mutating func checkBounds(_ c: inout BrokenDownTime, fieldInRange: Bool, trusted: Bool,
                                      yearChecked: Bool = true) -> Int {
        if trusted && fieldInRange && (yearChecked || (c.year > 70 && c.year + 1900 <= CalendarPattern.maxYear)) {
            return 1
        }
        return checkBoundsOutOfLine(&c, fieldInRange: fieldInRange, trusted: trusted)
    }

    @inline(never)
    private mutating func checkBoundsOutOfLine(_ c: inout BrokenDownTime, fieldInRange: Bool, trusted: Bool) -> Int {
        if clock.trustsInRangeFields && fieldInRange && c.year > 70 && c.year + 1900 <= CalendarPattern.maxYear {
            // A clock that checks every candidate gets to see this one.
            clock.noteWall(Civil.wallSeconds(of: c))
            return 1
        }
        return withinBounds(&c)
    }

    /// The day of the month that is `fromEnd` days before the next month's first day, or -1.
    private mutating func dayFromMonthEnd(_ tm: BrokenDownTime, _ fromEnd: Int) -> Int {
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

    private mutating func dayFromMonthEndConverting(_ tm: BrokenDownTime, _ fromEnd: Int) -> Int {
        var t = tm
        t.month += 1
        t.day = 1 - fromEnd
        if !clock.normalize(&t) || t.month != tm.month { return -1 }
        return t.day
    }

    /// `find_matching_component` for a day chain counted from the month's end.
    private mutating func advanceFromMonthEnd(_ chain: CalendarChain?, _ tm: BrokenDownTime, _ value: inout Int) -> Int {
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
    @inline(__always) private mutating func daysToAllowedWeekday(_ tm: BrokenDownTime) -> Int? {
        let bits = plan.weekdayBits
        guard bits > 0, let weekday = clock.weekday(of: tm) else { return nil }
        var k = weekday == 0 ? 6 : weekday - 1
        for ahead in 0..<7 {
            if bits & (1 << k) != 0 { return ahead }
            k = k == 6 ? 0 : k + 1
        }
        return nil
    }

    @inline(__always) private mutating func matchesWeekday(_ tm: BrokenDownTime) -> Bool {
        let bits = plan.weekdayBits
        if bits < 0 || bits >= CalendarPattern.allWeekdays { return true }
        guard let weekday = clock.weekday(of: tm) else { return false }
        let k = weekday == 0 ? 6 : weekday - 1
        return bits & (1 << k) != 0
    }

    /// Orders two broken-down times by their fields (not their instants).
    @inline(__always) private static func compareFields(_ a: BrokenDownTime, _ b: BrokenDownTime) -> Int {
        if a.year != b.year { return a.year < b.year ? -1 : 1 }
        if a.month != b.month { return a.month < b.month ? -1 : 1 }
        if a.day != b.day { return a.day < b.day ? -1 : 1 }
        if a.hour != b.hour { return a.hour < b.hour ? -1 : 1 }
        if a.minute != b.minute { return a.minute < b.minute ? -1 : 1 }
        if a.second != b.second { return a.second < b.second ? -1 : 1 }
        return 0
    }

    /// Where a round starts. A full round re-checks every field from the year down; with a
    /// pure clock (one whose normalization has no side effects), a round that follows the bump
    /// of a field that stayed in range may start at that field: the fields above it are
    /// unchanged and already matched, so re-checking them would change nothing. Rounds are
    /// still counted one by one, so systemd's 1000-round limit trips at the same place.
    enum Stage: Int {
        case top, month, day, hour, minute, second
    }

    /// `startingAt` other than `.top` (pure clocks only) says every field above it is known
    /// to match already: `start` is a previous elapse, and only its microseconds moved on.
    mutating func findNext(from start: BrokenDownTime, microsecond startMicrosecond: Int,
                           startingAt firstStage: Stage = .top) -> Outcome {
        var c = start
        defer {
            clock.noteFinal(c)
            final = c
        }
        var usec = startMicrosecond
        // Set once a candidate failed to move past the start (a repeated hour read with the
        // expression's DST flag): from then on mktime's own DST flag is kept.
        var keepNormalizedDST = false
        let pure = Clock.isPure
        // In-range fields need no conversion, unless the clock wants to see every candidate.
        let trusted = clock.trustsInRangeFields && !clock.checksEveryCandidate
        // Plain values, read once: the loop below then does no reference counting.
        let monthMatcher = plan.month, dayMatcher = plan.day, hourMatcher = plan.hour
        let minuteMatcher = plan.minute, secondMatcher = plan.second
        let skipMonth = trusted && plan.monthIsAny, skipDay = trusted && plan.dayIsAny
        let skipHour = trusted && plan.hourIsAny, skipMinute = trusted && plan.minuteIsAny
        let hasYear = plan.hasYear, endOfMonth = plan.endOfMonth, dst = plan.dst
        var resume = Clock.isPure ? firstStage : .top
        var rounds = 0
        while rounds < ElapseSearch.maxRounds {
            rounds += 1
            let from = resume.rawValue
            resume = .top
            var r = 0

            if from <= Stage.top.rawValue {
                _ = clock.normalize(&c)
                if !keepNormalizedDST { c.isDST = dst }
                if hasYear {
                    var year = c.year + 1900
                    r = CalendarChains.advance(plan.year, &year)
                    c.year = year - 1900
                }
                if r > 0 { c.month = 0; c.day = 1; c.hour = 0; c.minute = 0; c.second = 0; usec = 0 }
                if r < 0 { return .never }
                if checkBounds(&c, fieldInRange: c.isCanonical, trusted: trusted, yearChecked: false) <= 0 {
                    return .never
                }
            }

            // With in-range fields trusted, a field that allows anything neither moves nor needs
            // a check: skip its stage.
            if from <= Stage.month.rawValue && !skipMonth {
                var month = c.month + 1
                r = monthMatcher.advance(&month, chain: plan.monthChain)
                c.month = month - 1
                if r > 0 { c.day = 1; c.hour = 0; c.minute = 0; c.second = 0; usec = 0 }
                if r >= 0 { r = checkBounds(&c, fieldInRange: UInt(c.month) < 12, trusted: trusted) }
                if r < 0 {
                    c.year += 1; c.month = 0; c.day = 1; c.hour = 0; c.minute = 0; c.second = 0; usec = 0
                    continue
                }
                if r == 0 { continue }
            }

            if from <= Stage.day.rawValue && !skipDay {
                var day = c.day
                r = endOfMonth ? advanceFromMonthEnd(plan.dayChain, c, &day) : dayMatcher.advance(&day, chain: plan.dayChain)
                c.day = day
                if r > 0 { c.hour = 0; c.minute = 0; c.second = 0; usec = 0 }
                if r >= 0 {
                    let inRange = c.day >= 1 && (c.day <= 28 || c.day <= Civil.daysInMonth(year: c.year + 1900, month: c.month + 1))
                    r = checkBounds(&c, fieldInRange: inRange, trusted: trusted)
                }
                if r < 0 {
                    c.month += 1; c.day = 1; c.hour = 0; c.minute = 0; c.second = 0; usec = 0
                    if pure && c.month < 12 { resume = .month }
                    continue
                }
                if r == 0 { continue }
            }
            if from <= Stage.day.rawValue && !matchesWeekday(c) {
                c.day += 1; c.hour = 0; c.minute = 0; c.second = 0; usec = 0
                if pure && c.day <= 28 {
                    resume = .day
                    // With nothing else to check on a day, each following round would only test
                    // the weekday and step one day on: take those rounds at once.
                    if skipDay, let ahead = daysToAllowedWeekday(c), ahead > 0,
                       c.day + ahead <= 28, rounds + ahead < ElapseSearch.maxRounds {
                        c.day += ahead
                        rounds += ahead
                    }
                }
                continue
            }

            if from <= Stage.hour.rawValue && !skipHour {
                var hour = c.hour
                r = hourMatcher.advance(&hour, chain: plan.hourChain)
                c.hour = hour
                if r > 0 { c.minute = 0; c.second = 0; usec = 0 }
                if r >= 0 { r = checkBounds(&c, fieldInRange: UInt(c.hour) < 24, trusted: trusted) }
                if r < 0 {
                    c.day += 1; c.hour = 0; c.minute = 0; c.second = 0; usec = 0
                    if pure && c.day <= 28 { resume = .day }
                    continue
                }
                // The hour just set may not exist (a DST gap): start over from the normalized time.
                if r == 0 { continue }
            }

            if from <= Stage.minute.rawValue && !skipMinute {
                var minute = c.minute
                r = minuteMatcher.advance(&minute, chain: plan.minuteChain)
                c.minute = minute
                if r > 0 { c.second = 0; usec = 0 }
                if r >= 0 { r = checkBounds(&c, fieldInRange: UInt(c.minute) < 60, trusted: trusted) }
                if r < 0 {
                    c.hour += 1; c.minute = 0; c.second = 0; usec = 0
                    if pure && c.hour < 24 { resume = .hour }
                    continue
                }
                if r == 0 { continue }
            }

            var micro = c.second * CalendarChains.microsecondsPerSecond + usec
            r = secondMatcher.advanceMicroseconds(&micro, chain: plan.microsecondChain)
            usec = micro % CalendarChains.microsecondsPerSecond
            c.second = micro / CalendarChains.microsecondsPerSecond
            if r >= 0 { r = checkBounds(&c, fieldInRange: UInt(c.second) < 60, trusted: trusted) }
            if r < 0 {
                c.minute += 1; c.second = 0; usec = 0
                if pure && c.minute < 60 { resume = .minute }
                continue
            }
            if r == 0 { continue }

            var order = ElapseSearch.compareFields(start, c)
            if order == 0 { order = startMicrosecond == usec + 1 ? 0 : (startMicrosecond < usec + 1 ? -1 : 1) }
            if order >= 0 {
                // Stuck at or before the start: step an hour on and let mktime pick the DST flag.
                keepNormalizedDST = true
                clock.noteStuck()
                c.hour += 1
                continue
            }

            return .found(microsecond: usec)
        }
        return .endlessLoop
    }
}
