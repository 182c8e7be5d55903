import Testing
@testable import GentleCore

@Suite struct ConfigSummaryTests {
    @Test func describesCadencesInWords() throws {
        let window = RandomWindow(timesPerDay: 2, between: try #require(TimeOfDayRange(parsing: "21:00..01:00")),
                                  days: try #require(WeekdaySet(parsing: "Sat,Sun")))
        #expect(ConfigSummary.cadenceInWords(.window(window), jitter: nil) == "twice a day between 21:00 and 01:00 on Sat,Sun")
        let specs = [try CalendarSpec(parsing: "Mon..Fri 07:45"), try CalendarSpec(parsing: "daily")]
        #expect(ConfigSummary.cadenceInWords(.calendar(specs), jitter: .minutes(10))
            == "when \"Mon..Fri 07:45\" or \"daily\", up to 10m later")
    }

    @Test func leavesRoomForEachCheckinsNextFire() throws {
        let config = try ConfigLoader.load(text: """
            [[checkin]]
            id = "breathe"
            title = "Breathe"
            messages = ["m"]
            when = "daily"
            enabled = false
            """, path: "s.toml")
        let text = ConfigSummary(config: config).text(nextFire: { id in id == "breathe" ? "next Fri 14:30" : nil })
        #expect(text.hasPrefix("s.toml is valid: 1 check-in (0 on).\n"))
        #expect(text.contains("  breathe  Breathe (off)\n           when \"daily\" · desktop, console · next Fri 14:30\n"))
    }
}
