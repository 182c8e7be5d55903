import Foundation

/// What the log says about kid dates: when each child last had one, which occasions were
/// already suggested, and which the parent asked to hear about closer to the day.
public struct KidDateMemory: Sendable, Equatable {
    /// Last `took-it` per child name.
    public private(set) var lastTaken: [String: Date] = [:]
    /// Last suggestion of any kind (fired), for the general cadence.
    public private(set) var lastSuggested: Date?
    /// Occasion keys (`name@YYYY-MM-DD`) already suggested and not asked to come back.
    public private(set) var suggestedOccasions: Set<String> = []
    /// Occasion key → local day number on or after which to suggest again ("closer to the day").
    public private(set) var comeBack: [String: Date] = [:]
    /// Occasion key → last moment a suggestion for it was skipped (so the next try is a later day).
    public private(set) var lastAttempt: [String: Date] = [:]
    /// Last time a general (non-occasion) suggestion was let pass, so the next try is later.
    public private(set) var lastGeneralAttempt: Date?
    /// Occurrence → (child, occasion key) for fired suggestions, so replies can be attributed.
    public private(set) var suggestionByOccurrence: [OccurrenceID: Suggestion] = [:]

    public struct Suggestion: Sendable, Equatable {
        public var child: String?
        public var occasion: String?
    }

    public init() {}

    mutating func noteSuggested(_ record: EventRecord) {
        lastSuggested = max(lastSuggested ?? record.at, record.at)
        if let key = record.occasion {
            suggestedOccasions.insert(key)
            comeBack[key] = nil
        }
        if let id = record.occurrence {
            suggestionByOccurrence[id] = Suggestion(child: record.child, occasion: record.occasion)
        }
    }

    mutating func noteAttempt(_ record: EventRecord) {
        if let key = record.occasion {
            lastAttempt[key] = record.at
        } else {
            lastGeneralAttempt = max(lastGeneralAttempt ?? record.at, record.at)
        }
    }

    mutating func noteReply(_ record: EventRecord, action: CheckinAction) {
        let known = record.occurrence.flatMap { suggestionByOccurrence[$0] }
        let child = record.child ?? known?.child
        let occasion = record.occasion ?? known?.occasion
        switch action {
        case .tookIt:
            if let child { lastTaken[child] = max(lastTaken[child] ?? record.at, record.at) }
        case .closerToTheDay:
            if let occasion {
                suggestedOccasions.remove(occasion)
                comeBack[occasion] = record.at
            }
        default:
            break
        }
    }
}
