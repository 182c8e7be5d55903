import Foundation

/// What happened, as one line of `events.jsonl`. The log is the daemon's memory: everything the
/// planner needs after a restart (last fire per check-in, snoozes, back-off, rotation, kid dates
/// taken) is rebuilt from these records, so a record is written and synced before it counts.
public enum EventKind: Hashable, Sendable, CustomStringConvertible {
    /// The planner decided an occurrence is due and handed it to a channel.
    case fired
    /// A channel accepted it (the notification server returned an id, the mail server said 250).
    case delivered
    /// A channel gave up on it for good (5xx, or no channel at all could take it).
    case failed
    /// It came too late to be kind (after suspend, a clock step, an outage) and was let go.
    case droppedStale
    /// The planner passed over it on purpose (quiet hours, daily limit, spacing, back-off, pause).
    case skipped
    /// The parent answered (button, `gentle reply`, console key, email reply).
    case reply
    /// The parent asked to be reminded later; `until` says when.
    case snoozed
    /// The notification timed out unanswered.
    case expired
    /// The notification was closed without an answer.
    case dismissed
    /// Waiting for a channel to come back (no notification server yet).
    case held
    /// Check-ins paused until `until`.
    case paused
    case resumed
    /// A kind written by a newer gentle; kept and passed over.
    case other(String)

    public init(rawValue: String) {
        switch rawValue {
        case "fired": self = .fired
        case "delivered": self = .delivered
        case "failed": self = .failed
        case "dropped-stale": self = .droppedStale
        case "skipped": self = .skipped
        case "reply": self = .reply
        case "snoozed": self = .snoozed
        case "expired": self = .expired
        case "dismissed": self = .dismissed
        case "held": self = .held
        case "paused": self = .paused
        case "resumed": self = .resumed
        default: self = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .fired: return "fired"
        case .delivered: return "delivered"
        case .failed: return "failed"
        case .droppedStale: return "dropped-stale"
        case .skipped: return "skipped"
        case .reply: return "reply"
        case .snoozed: return "snoozed"
        case .expired: return "expired"
        case .dismissed: return "dismissed"
        case .held: return "held"
        case .paused: return "paused"
        case .resumed: return "resumed"
        case .other(let s): return s
        }
    }

    public var description: String { rawValue }
}

public struct EventRecord: Sendable, Equatable {
    /// Written as `"v"`; readers accept any version and ignore fields they don't know.
    public static let schemaVersion = 1

    public var version: Int
    public var kind: EventKind
    /// When the record was written (`"at"`).
    public var at: Date
    /// `"occurrence"`: `checkin@scheduled`.
    public var occurrence: OccurrenceID?
    /// `"checkin"`
    public var checkin: String?
    /// `"scheduled"`: the occurrence's time before any deferral.
    public var scheduled: Date?
    /// `"due"`: when it was meant to reach the parent (after quiet-hours deferral and jitter).
    public var due: Date?
    /// `"channel"`: `desktop`, `email`, `console`, or `cli` for replies given with `gentle reply`.
    public var channel: String?
    /// `"action"`: reply key (`done`, `not-now`, `snooze:30m`, `took-it`, …).
    public var action: String?
    /// `"note"`: what the parent wrote.
    public var note: String?
    /// `"error"`: why a channel failed (never contains secrets).
    public var error: String?
    /// `"reason"`: why something was skipped or dropped, in words.
    public var reason: String?
    /// `"until"`: end of a snooze or a pause.
    public var until: Date?
    /// `"message"`: index of the wording used when fired.
    public var message: Int?
    /// `"child"` and `"occasion"`: for kid-date suggestions.
    public var child: String?
    public var occasion: String?
    /// `"origin"`: why a `fired` occurrence exists when it is not the check-in's own cadence:
    /// `snooze`, `occasion`, `kid-date`, `manual` (`gentle fire`).
    public var origin: String?

    public init(kind: EventKind, at: Date, occurrence: OccurrenceID? = nil, checkin: String? = nil,
                scheduled: Date? = nil, due: Date? = nil, channel: String? = nil, action: String? = nil,
                note: String? = nil, error: String? = nil, reason: String? = nil, until: Date? = nil,
                message: Int? = nil, child: String? = nil, occasion: String? = nil,
                origin: String? = nil, version: Int = EventRecord.schemaVersion) {
        self.version = version
        self.kind = kind
        self.at = at
        self.occurrence = occurrence
        self.checkin = checkin ?? occurrence?.checkin
        self.scheduled = scheduled ?? occurrence?.scheduled
        self.due = due
        self.channel = channel
        self.action = action
        self.note = note
        self.error = error
        self.reason = reason
        self.until = until
        self.message = message
        self.child = child
        self.occasion = occasion
        self.origin = origin
    }
}
