import Testing
@testable import GentleCore

/// Parsing and normalizing, without the oracle: the examples systemd.time(7) documents, and
/// the corners of systemd's parser that the oracle suite also pins down.
@Suite struct CalendarParserTests {
    static let utc = ZoneRules.utc

    static func normalized(_ text: String) throws -> String {
        try CalendarSpec(parsing: text, localZone: utc).normalized
    }

    static func failure(_ text: String) -> CalendarParseFailure? {
        do {
            _ = try CalendarSpec(parsing: text, localZone: utc)
            return nil
        } catch {
            return error.failure
        }
    }

    /// The normalized forms listed in systemd.time(7).
    @Test(arguments: [
        ("Sat,Thu,Mon..Wed,Sat..Sun", "Mon..Thu,Sat,Sun *-*-* 00:00:00"),
        ("Mon,Sun 12-*-* 2,1:23", "Mon,Sun 2012-*-* 01,02:23:00"),
        ("Wed *-1", "Wed *-*-01 00:00:00"),
        ("Wed..Wed,Wed *-1", "Wed *-*-01 00:00:00"),
        ("Wed, 17:48", "Wed *-*-* 17:48:00"),
        ("Wed..Sat,Tue 12-10-15 1:2:3", "Tue..Sat 2012-10-15 01:02:03"),
        ("*-*-7 0:0:0", "*-*-07 00:00:00"),
        ("10-15", "*-10-15 00:00:00"),
        ("monday *-12-* 17:00", "Mon *-12-* 17:00:00"),
        ("Mon,Fri *-*-3,1,2 *:30:45", "Mon,Fri *-*-01,02,03 *:30:45"),
        ("12,14,13,12:20,10,30", "*-*-* 12,13,14:10,20,30:00"),
        ("12..14:10,20,30", "*-*-* 12..14:10,20,30:00"),
        ("mon,fri *-1/2-1,3 *:30:45", "Mon,Fri *-01/2-01,03 *:30:45"),
        ("03-05 08:05:40", "*-03-05 08:05:40"),
        ("08:05:40", "*-*-* 08:05:40"),
        ("05:40", "*-*-* 05:40:00"),
        ("Sat,Sun 12-05 08:05:40", "Sat,Sun *-12-05 08:05:40"),
        ("Sat,Sun 08:05:40", "Sat,Sun *-*-* 08:05:40"),
        ("2003-03-05 05:40", "2003-03-05 05:40:00"),
        ("05:40:23.4200004/3.1700005", "*-*-* 05:40:23.420000/3.170001"),
        ("2003-02..04-05", "2003-02..04-05 00:00:00"),
        ("2003-03-05 05:40 UTC", "2003-03-05 05:40:00 UTC"),
        ("2003-03-05", "2003-03-05 00:00:00"),
        ("03-05", "*-03-05 00:00:00"),
        ("hourly", "*-*-* *:00:00"),
        ("daily", "*-*-* 00:00:00"),
        ("daily UTC", "*-*-* 00:00:00 UTC"),
        ("monthly", "*-*-01 00:00:00"),
        ("weekly", "Mon *-*-* 00:00:00"),
        ("weekly Pacific/Auckland", "Mon *-*-* 00:00:00 Pacific/Auckland"),
        ("yearly", "*-01-01 00:00:00"),
        ("annually", "*-01-01 00:00:00"),
        ("*:2/3", "*-*-* *:02/3:00"),
    ])
    func normalizesTheDocumentedExamples(text: String, expected: String) throws {
        #expect(try Self.normalized(text) == expected)
    }

    @Test(arguments: [
        ("minutely", "*-*-* *:*:00"), ("quarterly", "*-01,04,07,10-01 00:00:00"),
        ("semiannually", "*-01,07-01 00:00:00"), ("semi-annually", "*-01,07-01 00:00:00"),
        ("bi-annually", "*-01,07-01 00:00:00"), ("anually", "*-01-01 00:00:00"), ("DAILY", "*-*-* 00:00:00"),
    ])
    func expandsEveryShorthand(text: String, expected: String) throws {
        #expect(try Self.normalized(text) == expected)
    }

    @Test func dropsAWeekdayListThatCoversTheWholeWeek() throws {
        #expect(try Self.normalized("Mon..Sun 12:00") == "*-*-* 12:00:00")
        #expect(try Self.normalized("Mon-Wed,Thu..Sun") == "*-*-* 00:00:00")
    }

    @Test func trimsRangesToWholeStepsAndFoldsRangesThatCannotRepeat() throws {
        #expect(try Self.normalized("*-*-01..08/4") == "*-*-01..05/4 00:00:00")
        #expect(try Self.normalized("*-*-5..7/10") == "*-*-05 00:00:00")
        #expect(try Self.normalized("*-*-10..10") == "*-*-10 00:00:00")
        #expect(try Self.normalized("*:*:0/1,5") == "*-*-* *:*:*")
    }

    @Test func expandsTwoDigitYears() throws {
        #expect(try Self.normalized("25-03-15") == "2025-03-15 00:00:00")
        #expect(try Self.normalized("70-01-01") == "1970-01-01 00:00:00")
    }

    @Test func roundsSecondsToMicroseconds() throws {
        #expect(try Self.normalized("*:*:0.9999995") == "*-*-* *:*:01")
        #expect(try Self.normalized("*:*:1.5") == "*-*-* *:*:01.500000")
        #expect(try Self.normalized("*:*:1.25/0.5") == "*-*-* *:*:01.250000/0.500000")
    }

    @Test func readsEpochTimestampsTheWayStrtoulDoes() throws {
        #expect(try Self.normalized("@1700000000") == "2023-11-14 22:13:20 UTC")
        #expect(try Self.normalized("@ 5") == "1970-01-01 00:00:05 UTC")
        #expect(try Self.normalized("@+5") == "1970-01-01 00:00:05 UTC")
        #expect(Self.failure("@-1") == .invalidArgument)
        #expect(Self.failure("@99999999999999999999999") == .outOfRange)
    }

    @Test func keepsSystemdsShrinkingLimitForDaysFromTheMonthsEnd() throws {
        #expect(try Self.normalized("*-*~28") == "*-*~28 00:00:00")
        #expect(try Self.normalized("*-*~2,25") == "*-*~02,25 00:00:00")
        #expect(Self.failure("*-*~25,28") == .invalidArgument)
        #expect(Self.failure("*-*~29") == .invalidArgument)
    }

    @Test func recognisesZoneSuffixes() throws {
        #expect(try Self.normalized("12:00 utc") == "*-*-* 12:00:00 UTC")
        #expect(try Self.normalized("weekly Europe/Berlin") == "Mon *-*-* 00:00:00 Europe/Berlin")
        let berlin = try #require(ZoneDirectory.zone(named: "Europe/Berlin"))
        #expect(try CalendarSpec(parsing: "12:00 cest", localZone: berlin).normalized == "*-*-* 12:00:00 CEST")
        #expect(Self.failure("12:00 europe/berlin") == .invalidArgument)
        #expect(Self.failure("12:00  UTC") == .invalidArgument)
    }

    @Test(arguments: [
        ("", CalendarParseFailure.invalidArgument), ("now", .invalidArgument), ("*-*-~01", .invalidArgument),
        ("Sun..Mon", .invalidArgument), ("Mond 12:00", .invalidArgument), ("*-*-* 24:00", .invalidArgument),
        ("*:*:3..3", .invalidArgument), ("*:*/2", .invalidArgument), ("*:0/0", .outOfRange),
        ("99999999999:00", .outOfRange), ("2200-01-01", .invalidArgument), ("1969-12-31", .invalidArgument),
    ])
    func rejectsWithSystemdsReason(text: String, reason: CalendarParseFailure) {
        #expect(Self.failure(text) == reason)
    }

    @Test func refusesMoreThan241ItemsInOneField() {
        let items = (0..<242).map { String($0 % 60) }
        #expect(Self.failure("*:" + items.prefix(241).joined(separator: ",")) == nil)
        #expect(Self.failure("*:" + items.joined(separator: ",")) == .tooManyComponents)
    }

    @Test func reportsSystemdsWording() {
        do {
            _ = try CalendarSpec(parsing: "foo", localZone: Self.utc)
            Issue.record("foo parsed")
        } catch {
            #expect(error.description == "Failed to parse calendar specification 'foo': Invalid argument")
        }
    }
}
