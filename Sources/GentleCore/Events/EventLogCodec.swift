import Foundation

/// The on-disk form of an `EventRecord`: one JSON object per line (JSON Lines), keys in a fixed
/// order, absent fields left out, times with the local offset so the file reads well by eye:
///
///     {"v":1,"kind":"reply","at":"2026-11-27T14:31:05.120+01:00","occurrence":"breathe@2026-11-27T14:30:00+01:00","checkin":"breathe","scheduled":"2026-11-27T14:30:00+01:00","channel":"desktop","action":"done","note":"that helped"}
///
/// Keys, in this order: v, kind, at, occurrence, checkin, scheduled, due, channel, action, note,
/// error, reason, until, message, child, occasion, origin. `at` always carries milliseconds;
/// `scheduled`, `due` and `until` carry them only when they are not whole seconds. Times are kept
/// to the millisecond (rounded to the nearest); an offset that is not whole minutes (historic
/// local mean time) is written as UTC. Fuzzing entry: `EventLogContents(parsing:)`.
public enum EventLogCodec {
    /// The record as one line, without the line break.
    public static func encode(_ record: EventRecord, timeZone: TimeZone) -> String {
        String(decoding: encodeLine(record, timeZone: timeZone, lineBreak: false), as: UTF8.self)
    }

    /// The record as UTF-8 bytes, by default with the terminating `\n`: what one append writes.
    public static func encodeLine(_ record: EventRecord, timeZone: TimeZone, lineBreak: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320)
        out.append(contentsOf: #"{"v":"#.utf8)
        out.append(contentsOf: String(record.version).utf8)
        appendString("kind", record.kind.rawValue, &out)
        appendKey("at", &out)
        out.append(0x22)
        LogTimestamp.append(record.at, in: timeZone, alwaysMilliseconds: true, to: &out)
        out.append(0x22)
        if let occurrence = record.occurrence { appendString("occurrence", occurrence.text, &out) }
        if let checkin = record.checkin { appendString("checkin", checkin, &out) }
        if let scheduled = record.scheduled { appendDate("scheduled", scheduled, timeZone, &out) }
        if let due = record.due { appendDate("due", due, timeZone, &out) }
        if let channel = record.channel { appendString("channel", channel, &out) }
        if let action = record.action { appendString("action", action, &out) }
        if let note = record.note { appendString("note", note, &out) }
        if let error = record.error { appendString("error", error, &out) }
        if let reason = record.reason { appendString("reason", reason, &out) }
        if let until = record.until { appendDate("until", until, timeZone, &out) }
        if let message = record.message {
            appendKey("message", &out)
            out.append(contentsOf: String(message).utf8)
        }
        if let child = record.child { appendString("child", child, &out) }
        if let occasion = record.occasion { appendString("occasion", occasion, &out) }
        if let origin = record.origin { appendString("origin", origin, &out) }
        out.append(0x7D)
        if lineBreak { out.append(0x0A) }
        return out
    }

    /// Reads one line (without its line break). Unknown keys are ignored and unknown kinds kept
    /// as `.other`; anything else unreadable is an error saying where and why.
    public static func decode(_ line: String) throws(EventDecodingError) -> EventRecord {
        var copy = line
        return try copy.withUTF8 { EventLineDecoder.decode($0) }.get()
    }

    /// Reads one line from raw bytes (without its line break). Never traps, whatever the bytes.
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) -> Result<EventRecord, EventDecodingError> {
        EventLineDecoder.decode(line)
    }

    private static func appendKey(_ key: StaticString, _ out: inout [UInt8]) {
        out.append(0x2C)
        out.append(0x22)
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(0x22)
        out.append(0x3A)
    }

    private static func appendDate(_ key: StaticString, _ date: Date, _ zone: TimeZone, _ out: inout [UInt8]) {
        appendKey(key, &out)
        out.append(0x22)
        LogTimestamp.append(date, in: zone, alwaysMilliseconds: false, to: &out)
        out.append(0x22)
    }

    private static func appendString(_ key: StaticString, _ value: String, _ out: inout [UInt8]) {
        appendKey(key, &out)
        appendJSONString(value, to: &out)
    }

    /// Quotes and escapes per RFC 8259; non-ASCII text is written as UTF-8, not `\u` escapes.
    static func appendJSONString(_ value: String, to out: inout [UInt8]) {
        func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
        out.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x08: out.append(0x5C); out.append(0x62)
            case 0x0C: out.append(0x5C); out.append(0x66)
            case 0..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex(byte >> 4), hex(byte & 0xF)])
            default:
                out.append(byte)
            }
        }
        out.append(0x22)
    }
}
