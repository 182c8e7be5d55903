import Testing
@testable import GentleCore

/// The calendar arithmetic under the engine: fast day-number conversions against the general
/// ones, carrying, masks, POSIX zone rules and glibc's mktime in gaps and repeated hours.
@Suite struct CalendarArithmeticTests {
    @Test func fastDayNumbersAgreeWithTheGeneralAlgorithm() {
        // Every day from 1970 to 2200, a sample before and after.
        var day = -719_468
        var mismatches = 0
        while day < 100_000_000 {
            let fast = Civil.date(fromDays: day)
            let general = Civil.dateByEras(fromDays: day)
            if fast != general || Civil.days(year: general.year, month: general.month, day: general.day) != day
                || Civil.daysByEras(year: general.year, month: general.month, day: general.day) != day {
                mismatches += 1
            }
            day += (0..<84_000).contains(day) ? 1 : 997
        }
        #expect(mismatches == 0)
    }

    @Test func monthLengthsFollowTheGregorianRules() {
        #expect((1...12).map { Civil.daysInMonth(year: 2023, month: $0) } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        #expect(Civil.daysInMonth(year: 2024, month: 2) == 29)
        #expect(Civil.daysInMonth(year: 2100, month: 2) == 28)
        #expect(Civil.daysInMonth(year: 2000, month: 2) == 29)
    }

    @Test func carriesSingleOverflowsLikeMktime() {
        func carried(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int) -> BrokenDownTime? {
            var tm = BrokenDownTime(year: y - 1900, month: mo - 1, day: d, hour: h, minute: mi, second: 0)
            return tm.carrySingleOverflow() ? tm : nil
        }
        let newYear = carried(2024, 12, 31, 23, 60)
        #expect(newYear.map { [$0.year + 1900, $0.month + 1, $0.day, $0.hour, $0.minute] } == [2025, 1, 1, 0, 0])
        let leapDay = carried(2024, 2, 29, 24, 0)
        #expect(leapDay.map { [$0.month + 1, $0.day] } == [3, 1])
        #expect(carried(2023, 2, 30, 0, 0) == nil, "two days past the end is not a single carry")
        #expect(carried(2024, 1, 1, 25, 0) == nil)
    }

    @Test func wallSecondsHandleOutOfRangeFields() {
        let normal = BrokenDownTime(year: 124, month: 2, day: 1, hour: 0, minute: 0, second: 0)
        let overflowed = BrokenDownTime(year: 124, month: 1, day: 30, hour: 24, minute: 0, second: 0)
        let negative = BrokenDownTime(year: 124, month: 3, day: 1 - 31, hour: 0, minute: 0, second: 0)
        #expect(Civil.wallSeconds(of: overflowed) == Civil.wallSeconds(of: normal) + 86_400)
        #expect(Civil.wallSeconds(of: negative) == Civil.wallSeconds(of: normal))
    }

    @Test func valueMasksAnswerLikeTheChains() {
        let chains: [CalendarChain] = [
            [.value(5)], [CalendarComponent(start: 0, stop: -1, step: 15)],
            [CalendarComponent(start: 9, stop: 17, step: 2), .value(20)], [CalendarComponent(start: 29, stop: -1, step: 5)],
        ]
        for chain in chains {
            guard let mask = ValueMask(chain) else { Issue.record("no mask for \(chain)"); continue }
            for v in 0..<64 {
                var viaChain = v
                let r = CalendarChains.advance(chain, &viaChain)
                let next = mask.next(atOrAfter: v)
                #expect(r < 0 ? next < 0 : next == viaChain, "\(chain) at \(v)")
            }
        }
    }

    @Test func evaluatesPosixRulesForCentralEurope() throws {
        let rule = try #require(PosixTimeZone(parsing: "CET-1CEST,M3.5.0,M10.5.0/3"))
        #expect(rule.standardName == "CET" && rule.daylightName == "CEST")
        // DST 2024: 2024-03-31 01:00 UTC to 2024-10-27 01:00 UTC.
        #expect(PosixTimeZone.changeInstant(rule.rules[0], year: 2024) == 1_711_846_800)
        #expect(PosixTimeZone.changeInstant(rule.rules[1], year: 2024) == 1_729_990_800)
        #expect(!rule.isDaylight(atEpochSeconds: 1_711_846_799))
        #expect(rule.isDaylight(atEpochSeconds: 1_711_846_800))
        #expect(!rule.isDaylight(atEpochSeconds: 1_729_990_800))
    }

    @Test func evaluatesSouthernHemisphereRulesAcrossNewYear() throws {
        // Sydney: DST from the first Sunday in October to the first Sunday in April.
        let rule = try #require(PosixTimeZone(parsing: "AEST-10AEDT,M10.1.0,M4.1.0/3"))
        #expect(rule.isDaylight(atEpochSeconds: 1_735_689_600), "New Year 2025 is summer")
        #expect(!rule.isDaylight(atEpochSeconds: 1_751_328_000), "July 2025 is winter")
    }

    @Test func fixedOffsetRuleStringsHaveNoDaylightTime() throws {
        let india = try #require(PosixTimeZone(parsing: "IST-5:30"))
        #expect(india.rules[0].offset == 19_800 && !india.hasDaylightTime)
    }

    /// glibc's answers for wall-clock times in Berlin's 2024 gap (02:00–03:00 on March 31) and
    /// repeated hour (02:00–03:00 on October 27), from a fresh process (offset guess 0).
    @Test func mktimeResolvesGapsAndRepeatsAsGlibcDoes() throws {
        let berlin = try #require(ZoneDirectory.zone(named: "Europe/Berlin"))
        var clock = GlibcMktimeClock(zone: berlin, offsetGuess: 0)
        func make(_ mo: Int, _ d: Int, _ h: Int, _ mi: Int, isDST: Int) -> (Int?, Int, Int) {
            var tm = BrokenDownTime(year: 124, month: mo - 1, day: d, hour: h, minute: mi, second: 0)
            tm.isDST = isDST
            let t = clock.makeTime(&tm)
            return (t, tm.hour, tm.isDST)
        }
        #expect(make(10, 27, 2, 30, isDST: -1) == (1_729_992_600, 2, 0))
        #expect(make(10, 27, 2, 30, isDST: 0) == (1_729_992_600, 2, 0))
        #expect(make(10, 27, 2, 30, isDST: 1) == (1_729_989_000, 2, 1))
        #expect(make(3, 31, 2, 30, isDST: -1) == (1_711_848_600, 3, 1))
        #expect(make(3, 31, 2, 30, isDST: 1) == (1_711_845_000, 1, 0))
        #expect(make(3, 31, 2, 30, isDST: 0) == (1_711_848_600, 3, 1))
        #expect(make(10, 27, 3, 0, isDST: 1) == (1_729_990_800, 2, 0))
    }
}
