import Foundation

/// What the runtime should do now. Records are written (and applied to the state) in order;
/// a `fire` writes its `fired` record before the delivery is handed to a channel.
public struct PlannerDecision: Sendable {
    public enum Step: Sendable {
        /// Write this record (skipped, dropped-stale).
        case record(EventRecord)
        /// Write the `fired` record, then deliver.
        case fire(EventRecord, Delivery)
    }

    public var steps: [Step]
    /// Arm the single wall-clock timer for this moment; nil means nothing is ever due again.
    public var wakeAt: Date?
    /// What that wake-up is for, for `STATUS=` and `gentle status`.
    public var upcoming: UpcomingFire?
}

public struct UpcomingFire: Sendable, Equatable {
    public var occurrence: OccurrenceID
    public var title: String
    public var due: Date
    public var origin: OccurrenceOrigin
}

/// One line of `gentle next`: something that will fire, or will be let pass and why.
public struct PreviewEntry: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case fire(messageIndex: Int)
        case skip(SkipReason)
    }

    public var occurrence: OccurrenceID
    public var title: String
    public var body: String
    public var origin: OccurrenceOrigin
    /// The source's own time.
    public var scheduled: Date
    /// When it fires (or would have), after quiet hours and spacing.
    public var due: Date
    public var outcome: Outcome
    /// Why `due` differs from `scheduled`: quiet hours, spacing.
    public var movedFor: [String]
    public var child: String?
    public var occasion: String?
}
