import Foundation
import Testing
@testable import GentleCore

/// The iteration API takes shortcuts from one elapse to the next; it must list exactly what
/// calling `nextElapse` from each previous elapse gives (which the oracle suite checks against
/// systemd), across DST changes and month ends.
@Suite struct CalendarElapsesTests {
    static let expressions = [
        "hourly", "*:0/15", "*:*:0/20", "*:*:0.25/0.5", "daily", "Mon..Fri 08:30", "Sat,Sun 10:00", "weekly",
        "*-*-01 09:00", "*-*~01 20:00", "*-*~1..7 02:30", "*-*-* 02:30", "*-*-* 01:59:59", "00..04:00,30",
        "*-02-29 12:00", "quarterly", "12:00 UTC", "09:00 Europe/Berlin", "*:30 Australia/Lord_Howe", "02:30 CET",
        "Fri *-*-13", "*-*-1/30 23:30",
    ]
    static let zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
                        "Pacific/Chatham", "America/Santiago", "UTC"]
    /// Two days before the spring 2025 change in Europe, a week before the autumn one, and
    /// New Year's Eve 2036 (the zone files hand over to their POSIX rules in 2037).
    static let bases: [Int64] = [1_743_123_600_000_000, 1_760_918_400_000_000, 2_114_380_000_000_000]

    @Test(arguments: zones)
    func iterationListsWhatRepeatedCallsFind(zone name: String) throws {
        let zone = try #require(ZoneDirectory.zone(named: name))
        for text in Self.expressions {
            let spec = try CalendarSpec(parsing: text, localZone: zone)
            for base in Self.bases {
                let iterated = Array(spec.elapses(afterMicroseconds: base, zone: zone).prefix(60))
                var called: [Int64] = []
                var t = base
                while called.count < 60, let next = spec.nextElapse(afterMicroseconds: t, zone: zone) {
                    called.append(next)
                    t = next
                }
                #expect(iterated == called, "\(text) in \(name) from \(base)")
                #expect(zip(called, called.dropFirst()).allSatisfy { $0 < $1 }, "\(text): strictly increasing")
            }
        }
    }

    @Test func reportsWhyItEnded() throws {
        let utc = ZoneRules.utc
        var past = try CalendarSpec(parsing: "2020-01-01", localZone: utc).elapses(afterMicroseconds: 1_700_000_000_000_000, zone: utc)
        #expect(past.next() == nil)
        #expect(past.end == .never)
        // systemd gives up on this one in New York (not in UTC).
        let newYork = try #require(ZoneDirectory.zone(named: "America/New_York"))
        var loop = try CalendarSpec(parsing: "Fri 2024/5-*-12/15 *:*", localZone: newYork)
            .elapses(afterMicroseconds: 2_090_262_014_000_000, zone: newYork)
        #expect(loop.next() == nil)
        #expect(loop.end == .endlessLoop)
    }

    @Test func dateAPIAgreesWithMicroseconds() throws {
        let spec = try CalendarSpec(parsing: "Mon..Fri 08:30 Europe/Berlin")
        let date = Date(timeIntervalSince1970: 1_743_123_600.25)
        let next = try #require(spec.nextElapse(after: date, defaultTimeZone: TimeZone(identifier: "UTC") ?? .current))
        let micros = spec.nextElapse(afterMicroseconds: 1_743_123_600_250_000, zone: .utc)
        #expect(Int64(next.timeIntervalSince1970 * 1_000_000) == micros)
    }
}
