/// Why an occurrence exists. Regular occurrences come from a check-in's cadence; the others are
/// one-offs that the log marks with `"origin"` so a restart does not mistake them for cadence.
public enum OccurrenceOrigin: String, Sendable, Hashable {
    case regular
    case snooze
    case occasion
    case kidDate = "kid-date"
    case manual

    public init(record: EventRecord) {
        self = record.origin.flatMap(OccurrenceOrigin.init(rawValue:)) ?? .regular
    }

    /// The value written to the log (`nil` for regular, to keep lines short).
    public var recordValue: String? { self == .regular ? nil : rawValue }
}

/// Why the planner let an occurrence pass. Written into the `reason` of `skipped` records as
/// `code: words`, so the planner can read its own decisions back after a restart.
public enum SkipReason: String, Sendable, Hashable {
    case quietHours = "quiet-hours"
    case dailyLimit = "daily-limit"
    case backoff = "back-off"
    case paused
    case disabled
    case spacing

    public init?(reasonText: String) {
        let code = reasonText.prefix { $0 != ":" }
        self.init(rawValue: String(code))
    }
}

/// The id kid-date suggestions use in occurrence ids and the log.
public let kidDateCheckinID = "kid-date"
