import Foundation
import Testing
@testable import GentleCore

@Suite struct DurationParsingTests {
    @Test(arguments: [
        ("45m", 2700), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400), ("1h 30m", 5400), ("90s", 90),
        ("1w", 604_800), ("30min", 1800), ("2 hours", 7200),
    ])
    func parsesHumanDurations(text: String, seconds: Int64) {
        #expect(GentleDuration(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "45", "m", "-5m", "5x", "1.5h", "h1", "99999999d"])
    func rejectsMalformedDurations(text: String) {
        #expect(GentleDuration(parsing: text) == nil)
    }

    @Test func roundTripsThroughDescription() {
        for s in [59, 60, 3599, 3600, 5400, 86_400, 90_061, 604_800] as [Int64] {
            let d = GentleDuration(seconds: s)
            #expect(GentleDuration(parsing: d.description) == d)
        }
    }

    @Test func wordsUseAtMostTwoUnits() {
        #expect(GentleDuration(seconds: 7500).inWords == "2h 5m")
        #expect(GentleDuration(seconds: 90_061).inWords == "1d 1h")
        #expect(GentleDuration(seconds: 42).inWords == "42s")
    }
}

@Suite struct TimeOfDayTests {
    @Test func parsesRangesAcrossMidnight() throws {
        let quiet = try #require(TimeOfDayRange(parsing: "21:30..07:00"))
        #expect(quiet.crossesMidnight)
        #expect(quiet.contains(minuteOfDay: 23 * 60))
        #expect(quiet.contains(minuteOfDay: 6 * 60 + 59))
        #expect(!quiet.contains(minuteOfDay: 7 * 60))
        #expect(quiet.lengthInMinutes == 570)
    }

    @Test(arguments: ["9-20", "09:00", "25:00..26:00", "09:00..09:00", "9:0..10:00", "09:00...10:00"])
    func rejectsMalformedRanges(text: String) {
        #expect(TimeOfDayRange(parsing: text) == nil)
    }

    @Test func weekdaySetsNormalizeLikeSystemd() {
        #expect(WeekdaySet(parsing: "Mon..Fri")?.description == "Mon..Fri")
        #expect(WeekdaySet(parsing: "sat,Sun")?.description == "Sat,Sun")
        #expect(WeekdaySet(parsing: "Monday,Wed..Fri")?.description == "Mon,Wed..Fri")
        #expect(WeekdaySet(parsing: "Fri..Mon") == nil)
        #expect(WeekdaySet(parsing: "Funday") == nil)
    }
}

@Suite struct TimestampTests {
    @Test func formatsAndParsesWithOffsets() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let date = Date(timeIntervalSince1970: 1_795_786_200.25)  // 2026-11-27T13:30:00.25Z
        let text = ISO8601Offset.format(date, in: berlin)
        #expect(text == "2026-11-27T14:30:00.250+01:00")
        #expect(ISO8601Offset.parse(text) == date)
        #expect(ISO8601Offset.parse("2026-11-27T13:30:00Z") == Date(timeIntervalSince1970: 1_795_786_200))
        #expect(ISO8601Offset.parse("2026-02-30T13:30:00Z") == nil)
        #expect(ISO8601Offset.parse("2026-11-27T13:30:00") == nil)
    }

    @Test func civilDatesRoundTrip() {
        for days in stride(from: -800_000 as Int64, through: 800_000, by: 997) {
            let (y, m, d) = CivilDate.fromDays(days)
            #expect(CivilDate.toDays(y, m, d) == days)
        }
        #expect(CivilDate.isoWeekday(days: 0) == 4)
        #expect(CivilDate.isoWeekday(days: CivilDate.toDays(2026, 11, 27)) == 5)
    }

    @Test func occurrenceIDsRoundTrip() throws {
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let id = OccurrenceID(checkin: "breathe", scheduled: Date(timeIntervalSince1970: 1_795_786_200), timeZone: zone)
        #expect(id.text == "breathe@2026-11-27T08:30:00-05:00")
        #expect(OccurrenceID(parsing: id.text) == id)
        #expect(OccurrenceID(parsing: "Breathe@2026-11-27T08:30:00-05:00") == nil)
        #expect(OccurrenceID(parsing: "breathe@yesterday") == nil)
    }
}
