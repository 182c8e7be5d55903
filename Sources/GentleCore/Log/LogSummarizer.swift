import Foundation

/// Builds a `LogSummary` from records fed one at a time in file order, so `gentle log` can
/// stream a large log: it keeps only what the summary will say, plus the child and occasion of
/// each kid-date suggestion (few), to name them in replies that do not carry them.
///
/// Records count when their `at` is inside [start, end). Duplicates (a record written twice after
/// a failed sync) are harmless: moments and kid dates are counted per occurrence.
public struct LogSummarizer: Sendable {
    public let filter: LogFilter
    private var summary: LogSummary
    private var momentIndex: [String: Int] = [:]
    private var momentOccurrences: Set<String> = []
    private var kidDateOccurrences: Set<String> = []
    private var noteKeys: Set<String> = []
    private var suggestions: [String: LogSummary.Later] = [:]
    private var reached: Set<String> = []
    private var troubled: Set<String> = []
    private var troubledWithoutOccurrence = 0
    private var notesInOrder = true

    public init(start: Date, end: Date, checkin: String? = nil) {
        filter = LogFilter(start: start, end: end, checkin: checkin)
        summary = LogSummary(start: start, end: end, checkin: checkin)
    }

    public mutating func add(_ record: EventRecord) {
        if record.kind == .fired, record.checkin == kidDateCheckinID, let occurrence = record.occurrence,
           record.child != nil || record.occasion != nil {
            suggestions[occurrence.text] = LogSummary.Later(child: record.child, occasion: record.occasion)
        }
        guard filter.includesTime(record.at) else { return }
        if record.kind == .paused, filter.checkin == nil {
            summary.pauses.append(LogSummary.Pause(at: record.at, until: record.until))
            return
        }
        guard filter.includes(record) else { return }
        switch record.kind {
        case .reply: addReply(record)
        case .delivered: if let occurrence = record.occurrence { reached.insert(occurrence.text) }
        case .failed, .droppedStale:
            if let occurrence = record.occurrence { troubled.insert(occurrence.text) } else { troubledWithoutOccurrence += 1 }
        default: break
        }
    }

    private mutating func addReply(_ record: EventRecord) {
        // Replies without an occurrence (hand-written lines) count one by one.
        let occurrenceKey = record.occurrence?.text ?? "@\(record.at.timeIntervalSince1970)"
        reached.insert(occurrenceKey)
        let action = record.action ?? ""
        let known = record.occurrence.flatMap { suggestions[$0.text] }
        let child = record.child ?? known?.child
        let occasion = record.occasion ?? known?.occasion
        switch action {
        case "done", "opened":
            let checkin = record.checkin ?? "?"
            if momentOccurrences.insert(checkin + " " + occurrenceKey).inserted {
                if let i = momentIndex[checkin] {
                    summary.moments[i].count += 1
                } else {
                    momentIndex[checkin] = summary.moments.count
                    summary.moments.append(LogSummary.Moments(checkin: checkin, count: 1))
                }
            }
        case "took-it":
            if kidDateOccurrences.insert(occurrenceKey).inserted {
                summary.kidDates.append(LogSummary.KidDate(at: record.at, child: child, occasion: occasion))
            }
        case "closer-to-the-day":
            let later = LogSummary.Later(child: child, occasion: occasion)
            if !summary.closerToTheDay.contains(later) { summary.closerToTheDay.append(later) }
        case "not-now", "not-this-time":
            summary.saidNotNow = true
        default:
            if action.hasPrefix("snooze:") { summary.saidNotNow = true }
        }
        if let text = record.note?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty,
           noteKeys.insert(occurrenceKey + " " + text).inserted {
            if let last = summary.notes.last, last.at > record.at { notesInOrder = false }
            summary.notes.append(LogSummary.Note(at: record.at, checkin: record.checkin, child: child, text: text))
        }
    }

    public func result() -> LogSummary {
        var result = summary
        if !notesInOrder {
            // The log is in write order; after a clock step that is not time order. Stable sort.
            result.notes = result.notes.enumerated()
                .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
                .map(\.element)
        }
        result.kidDates.sort { $0.at < $1.at }
        result.undelivered = troubled.subtracting(reached).count + troubledWithoutOccurrence
        return result
    }
}
