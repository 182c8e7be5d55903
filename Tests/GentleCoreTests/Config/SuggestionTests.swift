import Testing
@testable import GentleCore

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("betwen", "between"), ("times-per-day", "times_per_day"), ("Channels", "channels"),
        ("message", "messages"), ("in_quite_hours", "in_quiet_hours"), ("ask", "ask"),
    ])
    func suggestsTheClosestKey(typo: String, expected: String) {
        #expect(Suggestion.closest(to: typo, in: ConfigBuilder.checkinKeys) == expected)
    }

    @Test(arguments: ["colour", "x", "notification_sound"])
    func staysQuietWhenNothingIsClose(word: String) {
        #expect(Suggestion.closest(to: word, in: ConfigBuilder.checkinKeys) == nil)
    }
}
