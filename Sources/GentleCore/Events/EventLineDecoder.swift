import Foundation

/// Turns one line of `events.jsonl` into an `EventRecord`. Tolerant where a newer gentle may
/// differ (unknown keys and their values, however nested, are skipped; unknown kinds become
/// `.other`; `null` means absent; a missing `v` reads as version 1), strict where the line is
/// damaged (syntax, UTF-8, a known field of the wrong type). When a line has both a damaged
/// syntax and a bad field, the syntax error is the one reported: that is what tells a torn write
/// apart from a record that is merely odd.
enum EventLineDecoder {
    private enum Field {
        case version, kind, at, occurrence, checkin, scheduled, due, channel, action, note, error, reason,
             until, message, child, occasion, origin
    }

    private static let fields: [(StaticString, Field)] = [
        ("v", .version), ("kind", .kind), ("at", .at), ("occurrence", .occurrence), ("checkin", .checkin),
        ("scheduled", .scheduled), ("due", .due), ("channel", .channel), ("action", .action), ("note", .note),
        ("error", .error), ("reason", .reason), ("until", .until), ("message", .message), ("child", .child),
        ("occasion", .occasion), ("origin", .origin),
    ]

    private static func field(named name: UnsafeBufferPointer<UInt8>) -> Field? {
        @inline(__always) func matches(_ key: StaticString) -> Bool {
            guard key.utf8CodeUnitCount == name.count else { return false }
            let start = key.utf8Start
            for k in 0..<name.count where name[k] != start[k] { return false }
            return true
        }
        // Dispatch on the first byte; the comparison then settles it.
        guard let first = name.first else { return nil }
        switch first {
        case 0x76: return matches("v") ? .version : nil
        case 0x6B: return matches("kind") ? .kind : nil
        case 0x61: return matches("at") ? .at : (matches("action") ? .action : nil)
        case 0x6F:
            if matches("occurrence") { return .occurrence }
            if matches("occasion") { return .occasion }
            return matches("origin") ? .origin : nil
        case 0x63:
            if matches("checkin") { return .checkin }
            if matches("channel") { return .channel }
            return matches("child") ? .child : nil
        case 0x73: return matches("scheduled") ? .scheduled : nil
        case 0x64: return matches("due") ? .due : nil
        case 0x6E: return matches("note") ? .note : nil
        case 0x65: return matches("error") ? .error : nil
        case 0x72: return matches("reason") ? .reason : nil
        case 0x75: return matches("until") ? .until : nil
        case 0x6D: return matches("message") ? .message : nil
        default: return nil
        }
    }

    private struct Values {
        var version: Int?
        var kind: String?
        var at: Date?
        var occurrence: OccurrenceID?
        var checkin: String?
        var scheduled: Date?
        var due: Date?
        var channel: String?
        var action: String?
        var note: String?
        var error: String?
        var reason: String?
        var until: Date?
        var message: Int?
        var child: String?
        var occasion: String?
        var origin: String?
    }

    static func decode(_ line: UnsafeBufferPointer<UInt8>) -> Result<EventRecord, EventDecodingError> {
        var reader = FlatJSONReader(line)
        var scratch: [UInt8] = []
        var values = Values()
        var fieldError: EventDecodingError?
        do throws(EventDecodingError) {
            reader.skipWhitespace()
            guard !reader.isAtEnd else { throw reader.fail("empty line") }
            try reader.expect(0x7B, "'{' at the start of a record")
            reader.skipWhitespace()
            if reader.peek() == 0x7D {
                try reader.expect(0x7D, "'}'")
            } else {
                while true {
                    reader.skipWhitespace()
                    let key = try reader.readString(into: &scratch)
                    let field: Field? = switch key {
                    case .slice(let range): Self.field(named: UnsafeBufferPointer(rebasing: line[range]))
                    case .decoded: scratch.withUnsafeBufferPointer { Self.field(named: $0) }
                    }
                    reader.skipWhitespace()
                    try reader.expect(0x3A, "':' after a key")
                    reader.skipWhitespace()
                    if let field {
                        let valueStart = reader.position
                        do throws(EventDecodingError) {
                            try readValue(of: field, from: &reader, scratch: &scratch, into: &values)
                        } catch let error where !error.isSyntaxError {
                            // Keep reading: a syntax error later in the line decides the category.
                            if fieldError == nil { fieldError = error }
                            reader.position = valueStart
                            try reader.skipValue(scratch: &scratch)
                        }
                    } else {
                        try reader.skipValue(scratch: &scratch)
                    }
                    reader.skipWhitespace()
                    guard let next = reader.peek() else { throw reader.fail("line ends inside the record") }
                    if next == 0x2C {
                        try reader.expect(0x2C, "','")
                        continue
                    }
                    try reader.expect(0x7D, "',' or '}'")
                    break
                }
            }
            reader.skipWhitespace()
            if let extra = reader.peek() { throw reader.fail("unexpected \(reader.describe(extra)) after the record") }
        } catch {
            return .failure(error)
        }
        if let fieldError { return .failure(fieldError) }
        guard let kind = values.kind else {
            return .failure(EventDecodingError(.invalidField, column: 1, "the record has no \"kind\""))
        }
        guard let at = values.at else {
            return .failure(EventDecodingError(.invalidField, column: 1, "the record has no \"at\" time"))
        }
        return .success(EventRecord(
            kind: EventKind(rawValue: kind), at: at, occurrence: values.occurrence, checkin: values.checkin,
            scheduled: values.scheduled, due: values.due, channel: values.channel, action: values.action,
            note: values.note, error: values.error, reason: values.reason, until: values.until,
            message: values.message, child: values.child, occasion: values.occasion, origin: values.origin,
            version: values.version ?? EventRecord.schemaVersion))
    }

    private static func name(of field: Field) -> String {
        fields.first { $0.1 == field }.map { "\($0.0)" } ?? "field"
    }

    private static func readValue(of field: Field, from reader: inout FlatJSONReader, scratch: inout [UInt8],
                                  into values: inout Values) throws(EventDecodingError) {
        guard let c = reader.peek() else { throw reader.fail("line ends where a value was expected") }
        if c == 0x6E {
            // null: the field is absent.
            _ = try reader.readLiteral()
            return
        }
        switch field {
        case .version, .message:
            guard c == 0x2D || (c >= 0x30 && c <= 0x39) else {
                throw reader.fail("\"\(name(of: field))\" must be a whole number", .invalidField)
            }
            let start = reader.position
            let number = try reader.readNumber()
            guard number.isInteger, let value = reader.integerValue(number.range) else {
                throw EventDecodingError(.invalidField, column: start + 1, "\"\(name(of: field))\" must be a whole number")
            }
            if field == .version { values.version = value } else { values.message = value }
        case .at, .scheduled, .due, .until:
            guard c == 0x22 else { throw reader.fail("\"\(name(of: field))\" must be a time in quotes", .invalidField) }
            let start = reader.position
            let date: Date? = switch try reader.readString(into: &scratch) {
            case .slice(let range): LogTimestamp.parse(UnsafeBufferPointer(rebasing: reader.bytes[range]))
            case .decoded: scratch.withUnsafeBufferPointer { LogTimestamp.parse($0) }
            }
            guard let date else {
                throw EventDecodingError(.invalidField, column: start + 1,
                                         "\"\(name(of: field))\" must look like 2026-11-27T14:30:00+01:00")
            }
            switch field {
            case .at: values.at = date
            case .scheduled: values.scheduled = date
            case .due: values.due = date
            default: values.until = date
            }
        case .occurrence:
            guard c == 0x22 else { throw reader.fail("\"occurrence\" must be a string", .invalidField) }
            let start = reader.position
            let text = try readText(&reader, &scratch)
            guard let occurrence = OccurrenceID(parsingLogText: text) else {
                throw EventDecodingError(.invalidField, column: start + 1,
                                         "\"occurrence\" must look like breathe@2026-11-27T14:30:00+01:00")
            }
            values.occurrence = occurrence
        case .kind, .checkin, .channel, .action, .note, .error, .reason, .child, .occasion, .origin:
            guard c == 0x22 else { throw reader.fail("\"\(name(of: field))\" must be a string", .invalidField) }
            let start = reader.position
            let text = try readText(&reader, &scratch)
            switch field {
            case .kind:
                guard !text.isEmpty else { throw EventDecodingError(.invalidField, column: start + 1, "\"kind\" is empty") }
                values.kind = text
            case .checkin: values.checkin = text
            case .channel: values.channel = text
            case .action: values.action = text
            case .note: values.note = text
            case .error: values.error = text
            case .reason: values.reason = text
            case .child: values.child = text
            case .occasion: values.occasion = text
            default: values.origin = text
            }
        }
    }

    private static func readText(_ reader: inout FlatJSONReader, _ scratch: inout [UInt8]) throws(EventDecodingError) -> String {
        switch try reader.readString(into: &scratch) {
        case .slice(let range): return String(decoding: UnsafeBufferPointer(rebasing: reader.bytes[range]), as: UTF8.self)
        case .decoded: return String(decoding: scratch, as: UTF8.self)
        }
    }
}

extension OccurrenceID {
    /// Parses `checkin@time` as the log holds it, without the intermediate arrays of
    /// `init(parsing:)`; the text is kept as written.
    init?(parsingLogText text: String) {
        var copy = text
        let parsed: (String, Date)? = copy.withUTF8 { u in
            guard let at = u.firstIndex(of: 0x40) else { return nil }
            let id = String(decoding: UnsafeBufferPointer(rebasing: u[..<at]), as: UTF8.self)
            guard CheckinID.isValid(id),
                  let date = LogTimestamp.parse(UnsafeBufferPointer(rebasing: u[(at + 1)...])) else { return nil }
            return (id, date)
        }
        guard let parsed else { return nil }
        self.init(checkin: parsed.0, scheduled: parsed.1, text: text)
    }
}
