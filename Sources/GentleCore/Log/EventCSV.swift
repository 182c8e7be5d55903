import Foundation

/// Records as CSV (RFC 4180): a header row, one row per record, CRLF after every row, fields
/// that hold a comma, a double quote, CR or LF in double quotes with quotes doubled. UTF-8, no
/// byte-order mark. Times are ISO 8601 with the offset of `timeZone`, like the log itself.
/// Columns: `EventCSV.columns`; a field a record does not have is empty.
public enum EventCSV {
    public static let columns = ["at", "kind", "checkin", "occurrence", "channel", "action", "note", "child",
                                 "occasion", "scheduled", "due", "reason", "error"]

    public static func appendHeader(to out: inout [UInt8]) {
        out.append(contentsOf: columns.joined(separator: ",").utf8)
        out.append(0x0D)
        out.append(0x0A)
    }

    public static func appendRow(_ record: EventRecord, timeZone: TimeZone, to out: inout [UInt8]) {
        LogTimestamp.append(record.at, in: timeZone, alwaysMilliseconds: true, to: &out)
        out.append(0x2C)
        appendField(record.kind.rawValue, to: &out)
        out.append(0x2C)
        appendField(record.checkin, to: &out)
        out.append(0x2C)
        appendField(record.occurrence?.text, to: &out)
        out.append(0x2C)
        appendField(record.channel, to: &out)
        out.append(0x2C)
        appendField(record.action, to: &out)
        out.append(0x2C)
        appendField(record.note, to: &out)
        out.append(0x2C)
        appendField(record.child, to: &out)
        out.append(0x2C)
        appendField(record.occasion, to: &out)
        out.append(0x2C)
        if let scheduled = record.scheduled { LogTimestamp.append(scheduled, in: timeZone, alwaysMilliseconds: false, to: &out) }
        out.append(0x2C)
        if let due = record.due { LogTimestamp.append(due, in: timeZone, alwaysMilliseconds: false, to: &out) }
        out.append(0x2C)
        appendField(record.reason, to: &out)
        out.append(0x2C)
        appendField(record.error, to: &out)
        out.append(0x0D)
        out.append(0x0A)
    }

    /// One field, quoted only when it has to be.
    static func appendField(_ value: String?, to out: inout [UInt8]) {
        guard var text = value else { return }
        text.withUTF8 { bytes in
            let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            guard needsQuotes else {
                out.append(contentsOf: bytes)
                return
            }
            out.append(0x22)
            for byte in bytes {
                if byte == 0x22 { out.append(0x22) }
                out.append(byte)
            }
            out.append(0x22)
        }
    }
}
