import Foundation

/// One occurrence, worded and ready to show: what the planner hands to a channel.
public struct Delivery: Sendable, Equatable {
    public var occurrence: OccurrenceID
    public var title: String
    /// The wording chosen by rotation, placeholders filled in.
    public var body: String
    /// Index of that wording in the check-in's `messages`.
    public var messageIndex: Int
    /// A prompt for a short note, when the check-in asks for one.
    public var ask: String?
    public var actions: [CheckinAction]
    public var urgency: Urgency
    /// When it was meant to reach the parent (after deferral and jitter).
    public var due: Date
    /// After this moment it is no longer kind to show it; channels give up and report it stale.
    public var staleAt: Date
    /// Channels in order of preference, from the check-in.
    public var channels: [Channel]
    /// For kid-date suggestions.
    public var child: String?
    public var occasion: String?

    public init(occurrence: OccurrenceID, title: String, body: String, messageIndex: Int = 0, ask: String? = nil,
                actions: [CheckinAction], urgency: Urgency = .low, due: Date, staleAt: Date,
                channels: [Channel] = CheckinConfig.defaultChannels, child: String? = nil, occasion: String? = nil) {
        self.occurrence = occurrence
        self.title = title
        self.body = body
        self.messageIndex = messageIndex
        self.ask = ask
        self.actions = actions
        self.urgency = urgency
        self.due = due
        self.staleAt = staleAt
        self.channels = channels
        self.child = child
        self.occasion = occasion
    }

    public var checkinID: String { occurrence.checkin }
}
