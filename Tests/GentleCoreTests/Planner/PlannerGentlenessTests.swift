import Foundation
import Testing
@testable import GentleCore

@Suite struct PlannerDSTTests {
    let clock = ZoneClock(zone: Fixture.berlin)

    @Test func randomWindowsStayInsideTheWindowAcrossSpringForward() throws {
        // 2027-03-28: clocks jump from 02:00 to 03:00 in Berlin.
        let config = Fixture.config([Fixture.window("night", times: 3, between: "01:00..05:00")], spacing: .zero)
        var h = PlannerHarness(config, start: Fixture.at(2027, 3, 27, 12, 0))
        let fired = h.fires(h.run(until: Fixture.at(2027, 3, 29, 12, 0)))
        #expect(fired.count == 6)
        for record in fired {
            let minute = clock.minuteOfDay(record.due ?? .distantPast)
            #expect(minute >= 60 && minute < 300)
        }
        #expect(fired.compactMap(\.due) == fired.compactMap(\.due).sorted())
    }

    @Test func quietHoursEndingInTheRepeatedHourUseItsFirstPass() throws {
        // 2026-10-25: 02:00–03:00 happens twice in Berlin. Quiet hours end at 02:30.
        let config = Fixture.config([try Fixture.checkin("late", when: ["23:00"])], quiet: "22:00..02:30")
        var h = PlannerHarness(config, start: Fixture.at(2026, 10, 24, 20, 0))
        let fired = h.fires(h.run(until: Fixture.at(2026, 10, 25, 12, 0)))
        #expect(fired.count == 1)
        let due = try #require(fired.first?.due)
        // 02:30 CEST (UTC+2) is 00:30 UTC, the first of the two 02:30s.
        #expect(due == Date(timeIntervalSince1970: Double(CivilDate.toDays(2026, 10, 25) * 86_400 + 1800)))
    }

    @Test func dailyTimesKeepTheirWallClockAcrossBothTransitions() throws {
        let config = Fixture.config([try Fixture.checkin("morning", when: ["09:00"])])
        var h = PlannerHarness(config, start: Fixture.at(2027, 3, 26, 12, 0))
        var fired = h.fires(h.run(until: Fixture.at(2027, 3, 30, 12, 0)))
        var h2 = PlannerHarness(config, start: Fixture.at(2026, 10, 23, 12, 0))
        fired += h2.fires(h2.run(until: Fixture.at(2026, 10, 27, 12, 0)))
        #expect(fired.count == 8)
        #expect(fired.allSatisfy { clock.minuteOfDay($0.due ?? .distantPast) == 540 })
    }
}

@Suite struct PlannerBackoffTests {
    @Test func notNowSkipsTheNextOneAndDoneRecovers() throws {
        let config = Fixture.config([try Fixture.checkin("breathe", when: ["10:00"])])
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 2, 9, 0))
        h.run(until: Fixture.at(2026, 11, 2, 10, 1))
        let first = try #require(h.fires().last?.occurrence)
        h.reply("not-now", to: first, at: Fixture.at(2026, 11, 2, 10, 1))
        // Day 2 is let pass, day 3 is offered again.
        var written = h.run(until: Fixture.at(2026, 11, 4, 10, 1))
        #expect(written.map(\.kind) == [.skipped, .fired])
        #expect(written.first?.reason?.hasPrefix("back-off:") == true)
        // Unanswered again (expired), and again: the room grows to two, then three (the cap).
        let third = try #require(h.fires().last?.occurrence)
        h.append(EventRecord(kind: .expired, at: Fixture.at(2026, 11, 4, 10, 11), occurrence: third))
        written = h.run(until: Fixture.at(2026, 11, 7, 10, 1))
        #expect(written.map(\.kind) == [.skipped, .skipped, .fired])
        let sixth = try #require(h.fires().last?.occurrence)
        h.append(EventRecord(kind: .dismissed, at: Fixture.at(2026, 11, 7, 10, 2), occurrence: sixth))
        written = h.run(until: Fixture.at(2026, 11, 11, 10, 1))
        #expect(written.map(\.kind) == [.skipped, .skipped, .skipped, .fired])
        let again = try #require(h.fires().last?.occurrence)
        h.append(EventRecord(kind: .dismissed, at: Fixture.at(2026, 11, 11, 10, 2), occurrence: again))
        written = h.run(until: Fixture.at(2026, 11, 15, 10, 1))
        #expect(written.map(\.kind) == [.skipped, .skipped, .skipped, .fired], "capped at backoff_max = 3")
        // A "done" recovers the full cadence at once.
        let last = try #require(h.fires().last?.occurrence)
        h.reply("done", to: last, at: Fixture.at(2026, 11, 15, 10, 5))
        written = h.run(until: Fixture.at(2026, 11, 18, 10, 1))
        #expect(written.map(\.kind) == [.fired, .fired, .fired])
    }

    @Test func backoffSurvivesARestartMidway() throws {
        let config = Fixture.config([try Fixture.checkin("breathe", when: ["10:00"])])
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 2, 9, 0))
        h.run(until: Fixture.at(2026, 11, 2, 10, 1))
        let first = try #require(h.fires().last?.occurrence)
        h.reply("not-now", to: first, at: Fixture.at(2026, 11, 2, 10, 1))
        h.append(EventRecord(kind: .expired, at: Fixture.at(2026, 11, 2, 10, 2), occurrence: first))
        h.run(until: Fixture.at(2026, 11, 3, 10, 1))  // one of two skips used
        var again = h.restarted(at: Fixture.at(2026, 11, 3, 12, 0))
        #expect(again.run(until: Fixture.at(2026, 11, 5, 10, 1)).map(\.kind) == [.skipped, .fired])
    }

    @Test func rotationUsesEveryWordingBeforeRepeating() throws {
        let wordings = (1...5).map { "wording \($0)" }
        let config = Fixture.config([try Fixture.checkin("breathe", when: ["10:00"], messages: wordings)])
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 1, 9, 0))
        let fired = h.fires(h.run(until: Fixture.at(2026, 12, 1, 9, 0)))
        let indices = fired.compactMap(\.message)
        #expect(indices.count == 30)
        for round in 0..<6 {
            #expect(Set(indices[(round * 5)..<(round * 5 + 5)]) == Set(0..<5))
        }
        for i in 1..<indices.count { #expect(indices[i] != indices[i - 1]) }
        // Rebuilt from the log after a restart, the rotation continues where it was.
        var again = h.restarted(at: h.now)
        let next = again.fires(again.run(until: Fixture.at(2026, 12, 6, 9, 0))).compactMap(\.message)
        var straight = PlannerHarness(config, start: Fixture.at(2026, 11, 1, 9, 0))
        let all = straight.fires(straight.run(until: Fixture.at(2026, 12, 6, 9, 0))).compactMap(\.message)
        #expect(indices + next == all)
    }

    @Test func previewAgreesWithWhatTheDaemonDoes() throws {
        let config = Fixture.config([
            Fixture.window("connect", times: 3, between: "09:00..20:00", days: "Mon..Fri"),
            try Fixture.checkin("breathe", when: ["Mon..Fri 10:00", "Sat,Sun 11:00"]),
            try Fixture.checkin("late", when: ["22:00"]),
        ], quiet: "21:30..07:00", maxPerDay: 4)
        let start = Fixture.at(2026, 11, 27, 6, 0)
        let planner = Planner(config: config)
        let preview = planner.preview(from: start, until: start.addingTimeInterval(7 * 86_400), limit: 1000,
                                      state: planner.initialState(at: start))
        var h = PlannerHarness(config, start: start)
        let written = h.run(until: start.addingTimeInterval(7 * 86_400))
        #expect(preview.map(\.occurrence) == written.compactMap(\.occurrence))
        #expect(preview.map(\.due) == written.compactMap(\.due))
        #expect(preview.contains { $0.outcome == .skip(.dailyLimit) })
        #expect(preview.filter { $0.outcome != .skip(.dailyLimit) }.count == written.filter { $0.kind == .fired }.count)
    }
}
