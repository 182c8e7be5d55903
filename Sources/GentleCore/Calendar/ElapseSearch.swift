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
