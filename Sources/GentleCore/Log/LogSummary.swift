import Foundation

/// What a span of the log holds that is worth telling a parent: the moments they took, the words
/// they wrote, the kid dates they had. Deliberately absent: anything unanswered, expired or
/// dismissed, any count of "not now", any run of days. Those would turn a log into a score.
public struct LogSummary: Sendable, Equatable {
    /// Check-ins answered with `done` or opened, in the order first answered; each occurrence
    /// counts once, however many replies it got.
    public struct Moments: Sendable, Equatable {
        public var checkin: String
        public var count: Int
    }

    public struct Note: Sendable, Equatable {
        public var at: Date
        public var checkin: String?
        public var child: String?
        public var text: String
    }

    public struct KidDate: Sendable, Equatable {
        public var at: Date
        public var child: String?
        /// `name@YYYY-MM-DD`, as the log keeps it.
        public var occasion: String?
    }

    /// A kid-date suggestion the parent asked to hear about again nearer its day.
    public struct Later: Sendable, Equatable {
        public var child: String?
        public var occasion: String?
    }

    public struct Pause: Sendable, Equatable {
        public var at: Date
        public var until: Date?
    }

    public var start: Date
    public var end: Date
    public var checkin: String?
    public var moments: [Moments] = []
    /// In time order.
    public var notes: [Note] = []
    public var kidDates: [KidDate] = []
    public var closerToTheDay: [Later] = []
    /// Whether any reply said "not now", "not this time" or "later": acknowledged once, never counted.
    public var saidNotNow = false
    public var pauses: [Pause] = []
    /// Occurrences that failed or were let go as stale, and neither reached the parent through
    /// another channel nor got a reply. A practical matter about delivery, not about the parent.
    public var undelivered = 0

    public init(start: Date, end: Date, checkin: String? = nil) {
        self.start = start
        self.end = end
        self.checkin = checkin
    }

    /// True when nothing the parent did shows in the span.
    public var hasNothingToTell: Bool {
        moments.isEmpty && notes.isEmpty && kidDates.isEmpty && closerToTheDay.isEmpty && !saidNotNow && pauses.isEmpty
    }
}

extension LogSummary {
    /// Splits an occasion key `name@YYYY-MM-DD` into its name; keys without a date are names.
    public static func occasionName(_ key: String) -> String {
        guard let at = key.lastIndex(of: "@") else { return key }
        let date = key[key.index(after: at)...]
        guard date.count == 10, DayOfYearOrDate(parsing: String(date)) != nil else { return key }
        return String(key[..<at])
    }
}
