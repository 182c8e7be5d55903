import Foundation

/// The scheduling brain: given the config, what the log remembers and the current time, it says
/// what to deliver now, what to let pass (and why), and when to wake up next. It never reads a
/// clock, so every rule is testable by passing times in.
public struct Planner: Sendable {
    public let config: GentleConfig
    public let clock: ZoneClock
    let times: CadenceTimes
    let timing: Timing
    let rotation: MessageRotation
    let kidDates: KidDatePlanner?

    public init(config: GentleConfig, timeZone: TimeZone? = nil) {
        self.config = config
        clock = ZoneClock(zone: timeZone ?? config.resolvedTimeZone())
        let seed = CadenceTimes.seedBase(for: config)
        times = CadenceTimes(clock: clock, seedBase: seed)
        timing = Timing(clock: clock, quietHours: config.quietHours, minSpacing: config.minSpacing)
        rotation = MessageRotation(seedBase: seed)
        let cadenceTimes = times
        kidDates = config.kidDates.map { KidDatePlanner(config: config, settings: $0, times: cadenceTimes) }
    }

    /// A fresh state for this config, as of `now`, with nothing remembered.
    public func initialState(at now: Date) -> PlannerState {
        var state = PlannerState(baseline: now, backoffMax: config.backoffMax)
        state.noteCheckins(config.checkins.map(\.id) + [kidDateCheckinID], seenAt: now)
        return state
    }

    /// Everything due at or before `now`, in order, and the next wake-up.
    public func decide(now: Date, state: PlannerState) -> PlannerDecision {
        var state = state
        var steps: [PlannerDecision.Step] = []
        var cache = CandidateCache()
        // Each round settles one occurrence; the bound only guards against a rule bug.
        for _ in 0..<(config.checkins.count * 4 + 64) {
            guard let next = earliest(now: now, state: state, cache: &cache) else {
                return PlannerDecision(steps: steps, wakeAt: nil, upcoming: nil)
            }
            if next.effectiveDue > now {
                let upcoming = UpcomingFire(occurrence: next.candidate.occurrence, title: next.candidate.title,
                                            due: next.effectiveDue, origin: next.candidate.origin)
                return PlannerDecision(steps: steps, wakeAt: next.effectiveDue, upcoming: upcoming)
            }
            let outcome = evaluate(next, now: now, state: state)
            state.apply(outcome.record)
            cache.invalidate(next.candidate.checkin)
            if let delivery = outcome.delivery {
                steps.append(.fire(outcome.record, delivery))
            } else {
                steps.append(.record(outcome.record))
            }
        }
        return PlannerDecision(steps: steps, wakeAt: now.addingTimeInterval(1), upcoming: nil)
    }

    /// What will happen from `from` on, assuming every fire is delivered and nobody answers:
    /// the fires and the occurrences let pass, with reasons. Stops after `limit` entries or at
    /// `until`, whichever comes first.
    public func preview(from: Date, until: Date, limit: Int, state: PlannerState) -> [PreviewEntry] {
        var state = state
        var entries: [PreviewEntry] = []
        var now = from
        var cache = CandidateCache()
        while entries.count < limit {
            guard let next = earliest(now: now, state: state, cache: &cache) else { break }
            if next.effectiveDue > now {
                guard next.effectiveDue <= until else { break }
                now = next.effectiveDue
                continue
            }
            let outcome = evaluate(next, now: now, state: state)
            state.apply(outcome.record)
            cache.invalidate(next.candidate.checkin)
            let c = next.candidate
            let body = c.render(c.messages.isEmpty ? "" : c.messages[outcome.messageIndex % c.messages.count])
            let result: PreviewEntry.Outcome
            switch outcome.record.kind {
            case .fired: result = .fire(messageIndex: outcome.messageIndex)
            default: result = .skip(outcome.record.reason.flatMap(SkipReason.init(reasonText:)) ?? .spacing)
            }
            entries.append(PreviewEntry(
                occurrence: c.occurrence, title: c.render(c.title), body: body, origin: c.origin,
                scheduled: c.scheduled, due: next.effectiveDue, outcome: result,
                movedFor: next.moves.map { $0 == .quietHours ? "quiet hours" : "spacing" },
                child: c.child, occasion: c.occasionName))
        }
        return entries
    }

    /// `gentle fire CHECKIN`: an occurrence right now, outside every rule. Nil for an unknown id.
    public func manualFire(checkin id: String, now: Date, state: PlannerState) -> (EventRecord, Delivery)? {
        guard let c = config.checkin(id: id) else { return nil }
        var candidate = Candidate(checkin: c, scheduled: now, due: now, origin: .manual, config: config,
                                  zone: clock.zone)
        candidate.quietPolicy = .defer
        let placed = Placed(candidate: candidate, effectiveDue: now, moves: [], quietSkip: false)
        let outcome = fire(placed, now: now, state: state)
        guard let delivery = outcome.delivery else { return nil }
        return (outcome.record, delivery)
    }

    /// The id an occurrence of `checkin` at `scheduled` gets, in this config's zone.
    public func occurrenceID(checkin: String, scheduled: Date) -> OccurrenceID {
        OccurrenceID(checkin: checkin, scheduled: scheduled, timeZone: clock.zone)
    }
}
