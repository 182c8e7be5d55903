import Foundation
import CSystemd

/// Appends `BusValue`s to an sd-bus message one basic value or container at a time.
enum BusMessageWriter {
    static func append(_ values: [BusValue], to message: OpaquePointer) throws {
        for value in values { try append(value, to: message) }
    }

    static func append(_ value: BusValue, to m: OpaquePointer) throws {
        switch value {
        case .byte(var v): try basic(m, "y", &v)
        case .bool(let b):
            var v: Int32 = b ? 1 : 0
            try basic(m, "b", &v)
        case .int16(var v): try basic(m, "n", &v)
        case .uint16(var v): try basic(m, "q", &v)
        case .int32(var v): try basic(m, "i", &v)
        case .uint32(var v): try basic(m, "u", &v)
        case .int64(var v): try basic(m, "x", &v)
        case .uint64(var v): try basic(m, "t", &v)
        case .double(var v): try basic(m, "d", &v)
        case .string(let s): try text(m, "s", s)
        case .objectPath(let s): try text(m, "o", s)
        case .signature(let s): try text(m, "g", s)
        case .array(let element, let items):
            try container(m, "a", element) {
                for item in items {
                    guard item.signature == element else {
                        throw BusError.invalidValue("an array of '\(element)' holding a '\(item.signature)'")
                    }
                    try append(item, to: m)
                }
            }
        case .dictionary(let k, let v, let entries):
            try container(m, "a", "{" + k + v + "}") {
                for entry in entries {
                    try container(m, "e", k + v) {
                        try append(entry.key, to: m)
                        try append(entry.value, to: m)
                    }
                }
            }
        case .variant(let inner):
            try container(m, "v", inner.signature) { try append(inner, to: m) }
        case .structure(let fields):
            try container(m, "r", fields.busSignature) {
                for field in fields { try append(field, to: m) }
            }
        }
    }

    private static func code(_ c: Unicode.Scalar) -> CChar { CChar(bitPattern: UInt8(c.value)) }

    private static func basic<T>(_ m: OpaquePointer, _ type: Unicode.Scalar, _ value: inout T) throws {
        let r = withUnsafePointer(to: &value) { sd_bus_message_append_basic(m, code(type), $0) }
        try BusError.check(r, "sd_bus_message_append_basic('\(type)')")
    }

    private static func text(_ m: OpaquePointer, _ type: Unicode.Scalar, _ s: String) throws {
        // C strings end at the first NUL; refuse rather than silently truncate.
        guard !s.utf8.contains(0) else { throw BusError.invalidValue("a string containing a NUL byte") }
        let r = s.withCString { sd_bus_message_append_basic(m, code(type), $0) }
        if r == -EINVAL { throw BusError.invalidValue("'\(s)' as type '\(type)'") }
        try BusError.check(r, "sd_bus_message_append_basic('\(type)')")
    }

    private static func container(_ m: OpaquePointer, _ type: Unicode.Scalar, _ contents: String,
                                  _ body: () throws -> Void) throws {
        try BusError.check(sd_bus_message_open_container(m, code(type), contents),
                           "sd_bus_message_open_container('\(type)', \"\(contents)\")")
        try body()
        try BusError.check(sd_bus_message_close_container(m), "sd_bus_message_close_container")
    }
}

/// Reads a whole message body into `BusValue`s, whatever its signature.
enum BusMessageReader {
    static func readAll(_ m: OpaquePointer) throws -> [BusValue] {
        var values: [BusValue] = []
        while let value = try readNext(m) { values.append(value) }
        return values
    }

    /// The next complete value at the current position, or nil at the end of the current container.
    static func readNext(_ m: OpaquePointer) throws -> BusValue? {
        var type: CChar = 0
        var contents: UnsafePointer<CChar>? = nil
        let r = sd_bus_message_peek_type(m, &type, &contents)
        try BusError.check(r, "sd_bus_message_peek_type")
        if r == 0 { return nil }
        let inner = contents.map { String(cString: $0) } ?? ""
        switch Unicode.Scalar(UInt8(bitPattern: type)) {
        case "y": var v: UInt8 = 0; try basic(m, type, &v); return .byte(v)
        case "b": var v: Int32 = 0; try basic(m, type, &v); return .bool(v != 0)
        case "n": var v: Int16 = 0; try basic(m, type, &v); return .int16(v)
        case "q": var v: UInt16 = 0; try basic(m, type, &v); return .uint16(v)
        case "i": var v: Int32 = 0; try basic(m, type, &v); return .int32(v)
        case "u": var v: UInt32 = 0; try basic(m, type, &v); return .uint32(v)
        case "x": var v: Int64 = 0; try basic(m, type, &v); return .int64(v)
        case "t": var v: UInt64 = 0; try basic(m, type, &v); return .uint64(v)
        case "d": var v: Double = 0; try basic(m, type, &v); return .double(v)
        case "s": return .string(try text(m, type))
        case "o": return .objectPath(try text(m, type))
        case "g": return .signature(try text(m, type))
        case "a":
            try enter(m, type, contents)
            let value: BusValue
            if inner.hasPrefix("{"), inner.hasSuffix("}") {
                let entry = String(inner.dropFirst().dropLast())
                // Dictionary keys are always a single basic type code.
                let keySignature = String(entry.prefix(1))
                let valueSignature = String(entry.dropFirst())
                var entries: [BusDictEntry] = []
                while try peekContainer(m, "e") {
                    try enter(m, CChar(bitPattern: UInt8(ascii: "e")), nil, contents: entry)
                    guard let key = try readNext(m), let val = try readNext(m) else {
                        throw BusError.invalidValue("a dictionary entry without key or value")
                    }
                    try exit(m)
                    entries.append(BusDictEntry(key: key, value: val))
                }
                value = .dictionary(keySignature: keySignature, valueSignature: valueSignature, entries)
            } else {
                var items: [BusValue] = []
                while let item = try readNext(m) { items.append(item) }
                value = .array(elementSignature: inner, items)
            }
            try exit(m)
            return value
        case "v":
            try enter(m, type, contents)
            guard let innerValue = try readNext(m) else { throw BusError.invalidValue("an empty variant") }
            try exit(m)
            return .variant(innerValue)
        case "r":
            try enter(m, type, contents)
            var fields: [BusValue] = []
            while let field = try readNext(m) { fields.append(field) }
            try exit(m)
            return .structure(fields)
        default:
            // Unix fds ('h') and anything newer: we never expect them, so refuse the message.
            throw BusError.invalidValue("a value of type '\(Unicode.Scalar(UInt8(bitPattern: type)))'")
        }
    }

    private static func basic<T>(_ m: OpaquePointer, _ type: CChar, _ value: inout T) throws {
        let r = withUnsafeMutablePointer(to: &value) { sd_bus_message_read_basic(m, type, $0) }
        try BusError.check(r, "sd_bus_message_read_basic")
    }

    private static func text(_ m: OpaquePointer, _ type: CChar) throws -> String {
        var pointer: UnsafePointer<CChar>? = nil
        let r = sd_bus_message_read_basic(m, type, &pointer)
        try BusError.check(r, "sd_bus_message_read_basic")
        // Copied now: the storage belongs to the message.
        return pointer.map { String(cString: $0) } ?? ""
    }

    private static func peekContainer(_ m: OpaquePointer, _ expected: Unicode.Scalar) throws -> Bool {
        var type: CChar = 0
        var contents: UnsafePointer<CChar>? = nil
        let r = sd_bus_message_peek_type(m, &type, &contents)
        try BusError.check(r, "sd_bus_message_peek_type")
        return r > 0 && UInt8(bitPattern: type) == UInt8(expected.value)
    }

    private static func enter(_ m: OpaquePointer, _ type: CChar, _ contents: UnsafePointer<CChar>?,
                              contents text: String? = nil) throws {
        let r: Int32
        if let text {
            r = text.withCString { sd_bus_message_enter_container(m, type, $0) }
        } else {
            r = sd_bus_message_enter_container(m, type, contents)
        }
        try BusError.check(r, "sd_bus_message_enter_container")
    }

    private static func exit(_ m: OpaquePointer) throws {
        try BusError.check(sd_bus_message_exit_container(m), "sd_bus_message_exit_container")
    }
}
