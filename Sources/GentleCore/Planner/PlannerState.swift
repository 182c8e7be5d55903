import Foundation

/// Everything the planner remembers, rebuilt by replaying the event log through `apply(_:)`.
/// Nothing here counts failures for the parent to see: back-off only makes room.
public struct PlannerState: Sendable {
    public struct Backoff: Sendable, Equatable {
        /// How many "not now" or unanswered check-ins in a row, capped.
        public var level: Int = 0
        /// Occurrences still to let pass before offering this check-in again.
        public var skipsRemaining: Int = 0
    }

    public struct SnoozeRequest: Sendable, Equatable {
        public var occurrence: OccurrenceID
        /// The occurrence that was snoozed.
        public var from: String?
    }

    /// A check-in with no record at all is looked at only from this moment on (when its config
    /// was first loaded), so adding one never fires a backlog.
    public var baseline: Date
    public private(set) var firstSeen: [String: Date] = [:]
    /// Latest scheduled time of a regular occurrence that was fired, skipped or dropped.
    public private(set) var cursor: [String: Date] = [:]
    /// When recent fires happened (for spacing and the daily limit); only the last two days.
    /// `counts` is false for fires that don't count toward `max_per_day` (kid-date suggestions,
    /// `gentle fire`).
    public private(set) var recentFires: [(at: Date, counts: Bool)] = []
    /// Fires per check-in, for message rotation.
    public private(set) var fireCount: [String: Int] = [:]
    public private(set) var backoff: [String: Backoff] = [:]
    public private(set) var pendingSnoozes: [OccurrenceID: SnoozeRequest] = [:]
    public private(set) var pausedUntil: Date?
    public private(set) var kidDates = KidDateMemory()
    /// Fired occurrences that were not regular (snoozes, kid dates, manual), so none fires twice.
    public private(set) var handledOneOffs: Set<OccurrenceID> = []
    public private(set) var lastFireAt: Date?
    public private(set) var backoffMax: Int

    public init(baseline: Date, backoffMax: Int = GentleConfig.defaultBackoffMax) {
        self.baseline = baseline
        self.backoffMax = backoffMax
    }

    /// Remembers when check-ins were first seen in a config, so one added by a reload starts then.
    public mutating func noteCheckins(_ ids: [String], seenAt: Date) {
        for id in ids where firstSeen[id] == nil && cursor[id] == nil { firstSeen[id] = seenAt }
    }

    public mutating func setBackoffMax(_ value: Int) { backoffMax = max(0, value) }

    /// Where the search for a regular check-in's next occurrence starts (exclusive).
    public func searchStart(for checkin: String) -> Date {
        cursor[checkin] ?? firstSeen[checkin] ?? baseline
    }

    public func isPaused(at date: Date) -> Bool {
        guard let until = pausedUntil else { return false }
        return date < until
    }

    public mutating func apply(_ record: EventRecord) {
        let origin = OccurrenceOrigin(record: record)
        switch record.kind {
        case .fired:
            guard let checkin = record.checkin else { return }
            advance(checkin: checkin, record: record, origin: origin)
            fireCount[checkin, default: 0] += 1
            noteFire(at: record.at, counts: origin == .regular || origin == .snooze)
            if checkin == kidDateCheckinID { kidDates.noteSuggested(record) }
        case .skipped, .droppedStale:
            guard let checkin = record.checkin else { return }
            advance(checkin: checkin, record: record, origin: origin)
            if record.kind == .skipped, let reason = record.reason, SkipReason(reasonText: reason) == .backoff {
                backoff[checkin, default: Backoff()].skipsRemaining -= 1
                if backoff[checkin]?.skipsRemaining ?? 0 < 0 { backoff[checkin]?.skipsRemaining = 0 }
            }
            if checkin == kidDateCheckinID { kidDates.noteAttempt(record) }
        case .reply:
            guard let checkin = record.checkin ?? record.occurrence?.checkin,
                  let key = record.action, let action = CheckinAction(key: key) else { return }
            if action.acknowledges { backoff[checkin] = Backoff() } else { bumpBackoff(checkin) }
            if checkin == kidDateCheckinID { kidDates.noteReply(record, action: action) }
        case .expired, .dismissed:
            guard let checkin = record.checkin ?? record.occurrence?.checkin else { return }
            bumpBackoff(checkin)
        case .snoozed:
            guard let checkin = record.checkin ?? record.occurrence?.checkin, let until = record.until,
                  CheckinID.isValid(checkin) else { return }
            let id = OccurrenceID(checkin: checkin, scheduled: until, timeZone: TimeZone(secondsFromGMT: 0) ?? .current)
            if !handledOneOffs.contains(id) {
                pendingSnoozes[id] = SnoozeRequest(occurrence: id, from: record.occurrence?.text)
            }
        case .paused:
            pausedUntil = record.until
        case .resumed:
            pausedUntil = nil
        case .delivered, .failed, .held, .other:
            break
        }
    }

    private mutating func advance(checkin: String, record: EventRecord, origin: OccurrenceOrigin) {
        switch origin {
        case .regular:
            guard let scheduled = record.scheduled ?? record.occurrence?.scheduled else { return }
            if let c = cursor[checkin], c >= scheduled { return }
            cursor[checkin] = scheduled
        case .snooze, .occasion, .kidDate, .manual:
            guard let id = record.occurrence else { return }
            handledOneOffs.insert(id)
            pendingSnoozes[id] = nil
        }
    }

    private mutating func noteFire(at date: Date, counts: Bool) {
        lastFireAt = max(lastFireAt ?? date, date)
        recentFires.append((date, counts))
        // Keep two days: enough for spacing and for the daily limit of any local day in play.
        // Pruned in batches so replaying a long log stays linear.
        if recentFires.count > 64, recentFires.count.isMultiple(of: 32), let newest = lastFireAt {
            let horizon = newest.addingTimeInterval(-2 * 86_400)
            recentFires.removeAll { $0.at < horizon }
        }
    }

    private mutating func bumpBackoff(_ checkin: String) {
        var b = backoff[checkin] ?? Backoff()
        b.level = min(b.level + 1, backoffMax)
        b.skipsRemaining = b.level
        backoff[checkin] = b
    }

    /// Number of fires whose time falls on the local day `day`.
    /// Fires that count toward `max_per_day` on the local day `day`.
    public func fires(onLocalDay day: Int64, clock: ZoneClock) -> Int {
        // Day bounds once, then plain comparisons: this runs on every decision.
        let start = clock.date(day: day, secondOfDay: 0)
        let end = clock.date(day: day + 1, secondOfDay: 0)
        return recentFires.reduce(0) { $0 + ($1.counts && $1.at >= start && $1.at < end ? 1 : 0) }
    }
}
