import Foundation

/// A candidate after quiet hours and spacing had their say.
struct Placed: Sendable {
    var candidate: Candidate
    var effectiveDue: Date
    var moves: [Timing.MoveReason]
    /// Inside quiet hours with `in_quiet_hours = "skip"`: let pass when due.
    var quietSkip: Bool
}

/// Candidates per source, reused while a planning run advances through time. A check-in's
/// candidate only changes when one of its occurrences is settled or `now` passes it.
struct CandidateCache {
    private var regular: [String: (start: Date, candidate: Candidate?)] = [:]

    mutating func invalidate(_ checkin: String) { regular[checkin] = nil }

    mutating func regularCandidate(for checkin: String, start: Date, now: Date,
                                   make: () -> Candidate?) -> Candidate? {
        if let hit = regular[checkin], hit.start == start {
            guard let c = hit.candidate else { return nil }
            if c.scheduled > now { return c }
        }
        let made = make()
        regular[checkin] = (start, made)
        return made
    }
}

extension Planner {
    /// How far back a restart looks for a missed occurrence: anything older is stale anyway,
    /// even after the longest quiet-hours deferral.
    var lookback: TimeInterval {
        let maxJitter = config.checkins.compactMap { $0.jitter?.timeInterval }.max() ?? 0
        let maxStale = config.checkins.compactMap { $0.staleAfter?.timeInterval }.max() ?? 0
        return max(config.staleAfter.timeInterval, maxStale) + maxJitter + 26 * 3600
    }

    /// The regular occurrence of a check-in to consider at `now`: the latest one already due
    /// (earlier missed ones are superseded), else the first one ahead.
    func regularCandidate(_ c: CheckinConfig, now: Date, state: PlannerState) -> Candidate? {
        let start = state.searchStart(for: c.id)
        guard let first = times.next(after: start, cadence: c.cadence, checkin: c.id) else { return nil }
        var scheduled = first
        if first <= now, let latest = times.latest(after: start, notAfter: now, lookback: lookback,
                                                  cadence: c.cadence, checkin: c.id) {
            scheduled = latest
        }
        let due = scheduled.addingTimeInterval(times.jitter(c.jitter, checkin: c.id, scheduled: scheduled))
        return Candidate(checkin: c, scheduled: scheduled, due: due, origin: .regular, config: config, zone: clock.zone)
    }

    func allCandidates(now: Date, state: PlannerState, cache: inout CandidateCache) -> [Candidate] {
        var result: [Candidate] = []
        result.reserveCapacity(config.checkins.count + state.pendingSnoozes.count + 2)
        for c in config.checkins where c.enabled {
            if let candidate = cache.regularCandidate(for: c.id, start: state.searchStart(for: c.id), now: now,
                                                      make: { regularCandidate(c, now: now, state: state) }) {
                result.append(candidate)
            }
        }
        for snooze in state.pendingSnoozes.values.sorted(by: { $0.occurrence < $1.occurrence }) {
            guard let c = config.checkin(id: snooze.occurrence.checkin) else { continue }
            let at = snooze.occurrence.scheduled
            result.append(Candidate(checkin: c, scheduled: at, due: at, origin: .snooze, config: config,
                                    zone: clock.zone))
        }
        if let kidDates {
            let after = state.searchStart(for: kidDateCheckinID)
            for candidate in kidDates.candidates(after: after, state: state, rotationBase: times)
            where !state.handledOneOffs.contains(candidate.occurrence) {
                result.append(candidate)
            }
        }
        return result
    }

    /// The candidate that comes up first once quiet hours and spacing are applied.
    func earliest(now: Date, state: PlannerState, cache: inout CandidateCache) -> Placed? {
        var best: Placed?
        for candidate in allCandidates(now: now, state: state, cache: &cache) {
            let placed = place(candidate, state: state)
            guard let current = best else { best = placed; continue }
            if placed.effectiveDue < current.effectiveDue
                || (placed.effectiveDue == current.effectiveDue && placed.candidate.occurrence < current.candidate.occurrence) {
                best = placed
            }
        }
        return best
    }

    func place(_ candidate: Candidate, state: PlannerState) -> Placed {
        switch timing.place(candidate.due, policy: candidate.quietPolicy, lastFire: state.lastFireAt) {
        case let .at(date, moves):
            return Placed(candidate: candidate, effectiveDue: date, moves: moves, quietSkip: false)
        case .skip:
            return Placed(candidate: candidate, effectiveDue: candidate.due, moves: [], quietSkip: true)
        }
    }
}
