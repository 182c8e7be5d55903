import Foundation
@testable import GentleCore

/// Drives a planner the way the daemon does, with a clock the test controls: decide, write the
/// records, sleep until the wake time — except nobody sleeps.
struct PlannerHarness {
    var planner: Planner
    var state: PlannerState
    var log: [EventRecord] = []
    var now: Date

    init(_ config: GentleConfig, start: Date) {
        planner = Planner(config: config)
        state = planner.initialState(at: start)
        now = start
    }

    var zone: TimeZone { planner.clock.zone }

    /// Runs every wake-up up to and including `end`, as a daemon whose timer is always on time.
    @discardableResult
    mutating func run(until end: Date) -> [EventRecord] {
        var written: [EventRecord] = []
        while true {
            let decision = planner.decide(now: now, state: state)
            for step in decision.steps {
                let record: EventRecord
                switch step {
                case .record(let r): record = r
                case .fire(let r, _): record = r
                }
                append(record)
                written.append(record)
            }
            guard let wake = decision.wakeAt, wake <= end else { break }
            now = wake
        }
        now = end
        return written
    }

    /// One decision at exactly `time` (a timer that fires late, or a wake-up after suspend).
    @discardableResult
    mutating func wake(at time: Date) -> PlannerDecision {
        now = time
        let decision = planner.decide(now: now, state: state)
        for step in decision.steps {
            switch step {
            case .record(let r): append(r)
            case .fire(let r, _): append(r)
            }
        }
        return decision
    }

    mutating func append(_ record: EventRecord) {
        log.append(record)
        state.apply(record)
    }

    mutating func reply(_ action: String, to occurrence: OccurrenceID, at time: Date) {
        append(EventRecord(kind: .reply, at: time, occurrence: occurrence, channel: "desktop", action: action))
    }

    /// A new daemon reading the same log: state rebuilt from the records alone.
    func restarted(at time: Date) -> PlannerHarness {
        var copy = PlannerHarness(planner.config, start: state.baseline)
        copy.now = time
        for r in log { copy.append(r) }
        return copy
    }

    func fires(_ records: [EventRecord]? = nil) -> [EventRecord] {
        (records ?? log).filter { $0.kind == .fired }
    }
}

enum Fixture {
    static let berlin = TimeZone(identifier: "Europe/Berlin") ?? .current

    /// A moment given as local wall time in `zone`.
    static func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int, _ s: Int = 0,
                   zone: TimeZone = berlin) -> Date {
        ZoneClock(zone: zone).date(day: CivilDate.toDays(y, m, d), secondOfDay: h * 3600 + min * 60 + s)
    }

    static func checkin(_ id: String, when: [String], messages: [String]? = nil,
                        policy: QuietHoursPolicy = .defer, jitter: GentleDuration? = nil) throws -> CheckinConfig {
        CheckinConfig(id: id, title: id.capitalized, messages: messages ?? ["\(id) message"],
                      cadence: .calendar(try when.map { try CalendarSpec(parsing: $0) }), jitter: jitter,
                      inQuietHours: policy)
    }

    static func window(_ id: String, times: Int, between: String, days: String = "Mon..Sun") -> CheckinConfig {
        CheckinConfig(
            id: id, title: id.capitalized, messages: ["\(id) a", "\(id) b"],
            cadence: .window(RandomWindow(timesPerDay: times, between: TimeOfDayRange(parsing: between)!,
                                          days: WeekdaySet(parsing: days)!)))
    }

    static func config(_ checkins: [CheckinConfig], quiet: String? = nil, maxPerDay: Int = 6,
                       spacing: GentleDuration = .minutes(45), stale: GentleDuration = .hours(2),
                       zone: String = "Europe/Berlin") -> GentleConfig {
        GentleConfig(sourcePath: "/test/config.toml", timezone: zone,
                     quietHours: quiet.flatMap(TimeOfDayRange.init(parsing:)), maxPerDay: maxPerDay,
                     minSpacing: spacing, staleAfter: stale, seed: 42, checkins: checkins)
    }
}

extension ZoneClock {
    func text(_ date: Date) -> String {
        let (day, second) = local(date)
        return dayString(day) + " " + TimeOfDay(minuteOfDay: second / 60).description
    }
}
