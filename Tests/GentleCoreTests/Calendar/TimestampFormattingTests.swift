import Testing
@testable import GentleCore

/// The timestamp lines of `gentle calendar`, in systemd's formats.
@Suite struct TimestampFormattingTests {
    static let now: Int64 = 1_736_944_496_000_000

    static let hour: Int64 = 3_600_000_000
    static let day: Int64 = 86_400_000_000
    static let distances: [(Int64, String)] = [
        (0, "now"), (500, "500us left"), (-2_500, "2ms ago"), (90_000_000, "1min 30s left"),
        (-3 * hour, "3h 0min ago"), (7 * hour, "7h left"), (27 * hour, "1 day 3h left"), (3 * day, "3 days left"),
        (10 * day, "1 week 3 days left"), (-40 * day, "1 month 9 days ago"), (400 * day, "1 year 1 month left"),
    ]

    @Test(arguments: distances)
    func saysHowFarAwayLikeSystemd(delta: Int64, expected: String) {
        #expect(SystemdTimestampFormat.relative(Self.now + delta, now: Self.now) == expected)
    }

    @Test func formatsLocalAndUTCTimes() throws {
        let berlin = try #require(ZoneDirectory.zone(named: "Europe/Berlin"))
        #expect(SystemdTimestampFormat.local(1_719_835_200_000_000, zone: berlin) == "Mon 2024-07-01 14:00:00 CEST")
        #expect(SystemdTimestampFormat.utc(1_719_835_200_999_999) == "Mon 2024-07-01 12:00:00 UTC")
        #expect(SystemdTimestampFormat.local(CalendarSpec.latestFormattableMicroseconds + 1, zone: berlin)
            == "--- XXXX-XX-XX XX:XX:XX")
    }

    @Test(arguments: [("90", Int64(90_000_000)), ("1.5h", 5_400_000_000), ("2h 30min", 9_000_000_000),
                      ("5min10s", 310_000_000), (" 1 d ", 86_400_000_000), ("1y", 31_557_600_000_000)])
    func readsTimespansLikeSystemd(text: String, usec: Int64) {
        #expect(SystemdTimespan.parse(text) == usec)
    }

    @Test(arguments: ["", "-5s", "5x", "1.s", "infinity x", "3.hoge"])
    func rejectsWhatSystemdRejects(text: String) {
        #expect(SystemdTimespan.parse(text) == nil)
    }
}
