import Foundation
import Testing
@testable import GentleCore

@Suite struct PlannerRulesTests {
    let clock = ZoneClock(zone: Fixture.berlin)

    @Test func armsOneTimerForTheEarliestOccurrence() throws {
        let config = Fixture.config([try Fixture.checkin("breathe", when: ["14:30"]),
                                     try Fixture.checkin("slide", when: ["11:00"])])
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 10, 0))
        let decision = h.wake(at: h.now)
        #expect(decision.steps.isEmpty)
        #expect(decision.wakeAt == Fixture.at(2026, 11, 27, 11, 0))
        #expect(decision.upcoming?.title == "Slide")
        let written = h.run(until: Fixture.at(2026, 11, 28, 12, 0))
        #expect(h.fires(written).map { clock.text($0.due ?? .distantPast) } ==
                ["2026-11-27 11:00", "2026-11-27 14:30", "2026-11-28 11:00"])
    }

    @Test func quietHoursAcrossMidnightDeferToTheirEnd() throws {
        let config = Fixture.config([try Fixture.checkin("late", when: ["22:15"])], quiet: "21:30..07:00")
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 20, 0))
        let written = h.run(until: Fixture.at(2026, 11, 28, 8, 0))
        let fired = h.fires(written)
        #expect(fired.count == 1)
        #expect(fired.first.map { clock.text($0.due ?? .distantPast) } == "2026-11-28 07:00")
        // The occurrence keeps the id of its own time, so it is the same occurrence after deferral.
        #expect(fired.first?.occurrence?.text == "late@2026-11-27T22:15:00+01:00")
    }

    @Test func quietHoursSkipPolicyLetsItPass() throws {
        let config = Fixture.config([try Fixture.checkin("late", when: ["22:15"], policy: .skip)], quiet: "21:30..07:00")
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 20, 0))
        let written = h.run(until: Fixture.at(2026, 11, 28, 8, 0))
        #expect(h.fires(written).isEmpty)
        #expect(written.map(\.kind) == [.skipped])
        #expect(written.first?.reason?.hasPrefix("quiet-hours:") == true)
    }

    @Test func dailyLimitSkipsTheRestOfTheDay() throws {
        let config = Fixture.config([try Fixture.checkin("a", when: ["09:00"]), try Fixture.checkin("b", when: ["11:00"]),
                                     try Fixture.checkin("c", when: ["13:00"])], maxPerDay: 2)
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 8, 0))
        let written = h.run(until: Fixture.at(2026, 11, 28, 10, 0))
        #expect(written.map { "\($0.kind) \($0.checkin ?? "")" } ==
                ["fired a", "fired b", "skipped c", "fired a"])
        #expect(written[2].reason?.hasPrefix("daily-limit:") == true)
    }

    @Test func spacingMovesTheSecondCheckinLater() throws {
        let config = Fixture.config([try Fixture.checkin("a", when: ["09:00"]), try Fixture.checkin("b", when: ["09:10"])],
                                    spacing: .minutes(45))
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 8, 0))
        let fired = h.fires(h.run(until: Fixture.at(2026, 11, 27, 12, 0)))
        #expect(fired.map { clock.text($0.due ?? .distantPast) } == ["2026-11-27 09:00", "2026-11-27 09:45"])
        #expect(fired.map(\.at) == fired.compactMap(\.due))
    }

    @Test func aTenHourSuspendDropsTheStaleOneAndNeverBursts() throws {
        let config = Fixture.config([try Fixture.checkin("daily", when: ["09:00"]),
                                     try Fixture.checkin("hourly", when: ["hourly"])],
                                    spacing: .zero, stale: .hours(2))
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 7, 30))
        h.run(until: Fixture.at(2026, 11, 27, 8, 0))
        let before = h.log.count
        // Asleep from 08:00 to 18:30: the timer fires once, late, on resume.
        let decision = h.wake(at: Fixture.at(2026, 11, 27, 18, 30))
        let written = Array(h.log[before...])
        #expect(decision.steps.count == 2)
        let daily = written.filter { $0.checkin == "daily" }
        #expect(daily.map(\.kind) == [.droppedStale])
        #expect(daily.first?.reason?.hasPrefix("stale:") == true)
        // Ten hourly occurrences were slept through; only the latest (18:00, fresh) is delivered.
        let hourly = written.filter { $0.checkin == "hourly" }
        #expect(hourly.map(\.kind) == [.fired])
        #expect(hourly.first.map { clock.text($0.scheduled ?? .distantPast) } == "2026-11-27 18:00")
        #expect(decision.wakeAt == Fixture.at(2026, 11, 27, 19, 0))
    }

    @Test func aBackwardClockStepNeverFiresAnOccurrenceTwice() throws {
        let config = Fixture.config([try Fixture.checkin("breathe", when: ["14:30"])])
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 14, 0))
        h.run(until: Fixture.at(2026, 11, 27, 14, 31))
        #expect(h.fires().count == 1)
        // The clock is stepped back an hour: the 14:30 occurrence must not come round again.
        let decision = h.wake(at: Fixture.at(2026, 11, 27, 13, 31))
        #expect(decision.steps.isEmpty)
        #expect(decision.wakeAt == Fixture.at(2026, 11, 28, 14, 30))
        h.run(until: Fixture.at(2026, 11, 27, 15, 0))
        #expect(h.fires().count == 1)
        // …and a restarted daemon reading the log agrees.
        var again = h.restarted(at: Fixture.at(2026, 11, 27, 13, 45))
        #expect(again.wake(at: again.now).wakeAt == Fixture.at(2026, 11, 28, 14, 30))
    }

    @Test func aForwardClockStepBehavesLikeASuspend() throws {
        let config = Fixture.config([try Fixture.checkin("breathe", when: ["14:30"])], stale: .hours(2))
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 14, 0))
        let d = h.wake(at: Fixture.at(2026, 11, 27, 15, 10))  // stepped 70 minutes ahead: still kind to show
        #expect(d.steps.count == 1)
        #expect(h.fires().count == 1)
    }

    @Test func snoozeComesBackAfterItsDurationOutsideQuietHours() throws {
        let config = Fixture.config([try Fixture.checkin("breathe", when: ["21:00"])], quiet: "21:30..07:00")
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 20, 0))
        h.run(until: Fixture.at(2026, 11, 27, 21, 5))
        let first = try #require(h.fires().first?.occurrence)
        h.reply("snooze:30m", to: first, at: Fixture.at(2026, 11, 27, 21, 5))
        h.append(EventRecord(kind: .snoozed, at: Fixture.at(2026, 11, 27, 21, 5), occurrence: first,
                             until: Fixture.at(2026, 11, 27, 21, 35)))
        let written = h.run(until: Fixture.at(2026, 11, 28, 8, 0))
        let fired = h.fires(written)
        #expect(fired.count == 1)
        #expect(fired.first?.origin == "snooze")
        #expect(fired.first.map { clock.text($0.due ?? .distantPast) } == "2026-11-28 07:00")
        // Fired once; a restart does not bring it back.
        var again = h.restarted(at: Fixture.at(2026, 11, 28, 8, 0))
        #expect(again.fires(again.run(until: Fixture.at(2026, 11, 28, 20, 0))).count == 0)
    }

    @Test func pauseLetsOccurrencesPassUntilItEnds() throws {
        let config = Fixture.config([try Fixture.checkin("a", when: ["09:00", "15:00"])])
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 8, 0))
        h.append(EventRecord(kind: .paused, at: h.now, until: Fixture.at(2026, 11, 27, 12, 0)))
        let written = h.run(until: Fixture.at(2026, 11, 27, 16, 0))
        #expect(written.map(\.kind) == [.skipped, .fired])
        #expect(written.first?.reason?.hasPrefix("paused:") == true)
    }

    @Test func jitterIsSeededAndWithinBounds() throws {
        let config = Fixture.config([try Fixture.checkin("a", when: ["09:00"], jitter: .minutes(20))])
        var h = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 8, 0))
        let fired = h.fires(h.run(until: Fixture.at(2026, 12, 7, 8, 0)))
        #expect(fired.count == 10)
        let offsets = fired.map { ($0.due ?? .distantPast).timeIntervalSince($0.scheduled ?? .distantPast) }
        #expect(offsets.allSatisfy { $0 >= 0 && $0 <= 1200 })
        #expect(Set(offsets).count > 5)
        var again = PlannerHarness(config, start: Fixture.at(2026, 11, 27, 8, 0))
        #expect(again.fires(again.run(until: Fixture.at(2026, 12, 7, 8, 0))).map(\.due) == fired.map(\.due))
    }
}
