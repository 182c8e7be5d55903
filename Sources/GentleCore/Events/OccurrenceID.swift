import Foundation

/// Names one occurrence of a check-in: `breathe@2026-11-27T14:30:00+01:00`, the check-in id and
/// the time it was scheduled for (before any quiet-hours deferral), with the config's offset.
/// The same occurrence always gets the same id, which is how the daemon never fires one twice.
public struct OccurrenceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var checkin: String
    /// Whole seconds since the epoch.
    public var scheduled: Date
    /// The textual form, kept as first written so ids from the log compare exactly.
    public let text: String

    public init(checkin: String, scheduled: Date, timeZone: TimeZone) {
        self.checkin = checkin
        self.scheduled = Date(timeIntervalSince1970: scheduled.timeIntervalSince1970.rounded(.down))
        self.text = checkin + "@" + ISO8601Offset.format(self.scheduled, in: timeZone, fractionDigits: 0)
    }

    /// Parses `checkin@ISO-8601`; nil when either half is malformed.
    public init?(parsing text: String) {
        guard let at = text.firstIndex(of: "@") else { return nil }
        let id = String(text[..<at])
        guard CheckinID.isValid(id), let date = ISO8601Offset.parse(String(text[text.index(after: at)...])) else {
            return nil
        }
        self.checkin = id
        self.scheduled = date
        self.text = text
    }

    /// For readers that parsed `text` themselves (the event log); `scheduled` is taken as given.
    init(checkin: String, scheduled: Date, text: String) {
        self.checkin = checkin
        self.scheduled = scheduled
        self.text = text
    }

    public var description: String { text }

    public static func == (a: OccurrenceID, b: OccurrenceID) -> Bool {
        a.checkin == b.checkin && a.scheduled == b.scheduled
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(checkin)
        hasher.combine(scheduled)
    }

    public static func < (a: OccurrenceID, b: OccurrenceID) -> Bool {
        a.scheduled != b.scheduled ? a.scheduled < b.scheduled : a.checkin < b.checkin
    }
}

public enum CheckinID {
    /// Lower-case ASCII letters, digits, `-` and `_`, starting with a letter or digit, ≤ 64 chars.
    public static func isValid(_ id: String) -> Bool {
        guard let first = id.utf8.first, id.utf8.count <= 64 else { return false }
        func ok(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x5F }
        return ok(first) && first != 0x2D && first != 0x5F && id.utf8.allSatisfy(ok)
    }
}
