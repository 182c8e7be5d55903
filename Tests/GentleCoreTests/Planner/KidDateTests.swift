import Foundation
import Testing
@testable import GentleCore

@Suite struct KidDateTests {
    let clock = ZoneClock(zone: Fixture.berlin)

    func config(occasions: [OccasionConfig] = [], every: GentleDuration? = nil,
                children: [ChildConfig] = [ChildConfig(name: "Mia"), ChildConfig(name: "Leo")]) -> GentleConfig {
        var c = Fixture.config([])
        c.children = children
        c.occasions = occasions
        c.kidDates = KidDateSettings(
            between: TimeOfDayRange(parsing: "15:00..18:00") ?? TimeOfDayRange(start: TimeOfDay(minuteOfDay: 900), end: TimeOfDay(minuteOfDay: 1080)),
            every: every, messages: ["How about a little time with {child} around {occasion}?", "Just you and {child}."])
        return c
    }

    func schoolStart(child: String? = "Mia") -> OccasionConfig {
        OccasionConfig(name: "first day of school", date: .once(year: 2026, month: 12, day: 7), child: child,
                       window: DayWindow(daysBefore: 3, daysAfter: 1))
    }

    @Test func anOccasionWindowGivesExactlyOneSuggestion() {
        var h = PlannerHarness(config(occasions: [schoolStart()]), start: Fixture.at(2026, 11, 27, 12, 0))
        let fired = h.fires(h.run(until: Fixture.at(2026, 12, 20, 12, 0)))
        #expect(fired.count == 1)
        let suggestion = fired[0]
        #expect(suggestion.child == "Mia")
        #expect(suggestion.occasion == "first day of school@2026-12-07")
        #expect(suggestion.origin == "occasion")
        let day = clock.localDay(suggestion.due ?? .distantPast)
        #expect(day == CivilDate.toDays(2026, 12, 4), "on the first day of the window")
        let minute = clock.minuteOfDay(suggestion.due ?? .distantPast)
        #expect(minute >= 900 && minute < 1080)
        // Restarting inside the window does not suggest it again.
        var again = h.restarted(at: Fixture.at(2026, 12, 5, 9, 0))
        #expect(again.fires(again.run(until: Fixture.at(2026, 12, 20, 12, 0))).isEmpty)
    }

    @Test func closerToTheDaySuggestsAgainNearerTheDate() throws {
        var h = PlannerHarness(config(occasions: [schoolStart()]), start: Fixture.at(2026, 11, 27, 12, 0))
        h.run(until: Fixture.at(2026, 12, 4, 20, 0))
        let first = try #require(h.fires().first)
        h.append(EventRecord(kind: .reply, at: Fixture.at(2026, 12, 4, 20, 0), occurrence: first.occurrence,
                             action: "closer-to-the-day", occasion: first.occasion))
        let fired = h.fires(h.run(until: Fixture.at(2026, 12, 20, 12, 0)))
        #expect(fired.count == 1)
        #expect(fired.first.map { clock.localDay($0.due ?? .distantPast) } == CivilDate.toDays(2026, 12, 6),
                "the day before the occasion")
    }

    @Test func theGeneralSuggestionPicksTheChildWithTheLeastRecentKidDate() throws {
        var h = PlannerHarness(config(every: .days(7)), start: Fixture.at(2026, 11, 27, 12, 0))
        h.run(until: Fixture.at(2026, 11, 29, 0, 0))
        let first = try #require(h.fires().first)
        #expect(first.child == "Mia", "nobody had one yet: config order")
        h.append(EventRecord(kind: .reply, at: Fixture.at(2026, 11, 29, 9, 0), occurrence: first.occurrence,
                             action: "took-it"))
        h.run(until: Fixture.at(2026, 12, 7, 0, 0))
        let second = try #require(h.fires().last)
        #expect(second.child == "Leo")
        #expect((second.due ?? .distantPast).timeIntervalSince(first.due ?? .distantPast) >= 7 * 86_400)
        h.append(EventRecord(kind: .reply, at: Fixture.at(2026, 12, 7, 9, 0), occurrence: second.occurrence,
                             action: "took-it"))
        h.run(until: Fixture.at(2026, 12, 15, 0, 0))
        #expect(h.fires().last?.child == "Mia")
        // The log alone decides: a restarted planner picks the same child.
        let again = h.restarted(at: h.now)
        #expect(again.state.kidDates.lastTaken.keys.sorted() == ["Leo", "Mia"])
    }

    @Test func birthdaysAreOccasionsForThatChild() {
        let kids = [ChildConfig(name: "Mia", birthday: .yearly(month: 12, day: 10)), ChildConfig(name: "Leo")]
        var h = PlannerHarness(config(children: kids), start: Fixture.at(2026, 11, 27, 12, 0))
        let fired = h.fires(h.run(until: Fixture.at(2026, 12, 31, 12, 0)))
        #expect(fired.map(\.child) == ["Mia"])
        #expect(fired.first?.occasion == "Mia's birthday@2026-12-10")
    }

    @Test func aMissedSuggestionMovesToTheNextDayOfTheWindow() throws {
        var h = PlannerHarness(config(occasions: [schoolStart()]), start: Fixture.at(2026, 11, 27, 12, 0))
        h.run(until: Fixture.at(2026, 12, 4, 12, 0))
        // The machine was off from noon on the 4th until the morning of the 5th.
        h.wake(at: Fixture.at(2026, 12, 5, 9, 0))
        #expect(h.log.last?.kind != .fired)
        let fired = h.fires(h.run(until: Fixture.at(2026, 12, 20, 12, 0)))
        #expect(fired.count == 1)
        #expect(fired.first.map { clock.localDay($0.due ?? .distantPast) } == CivilDate.toDays(2026, 12, 5))
    }
}
