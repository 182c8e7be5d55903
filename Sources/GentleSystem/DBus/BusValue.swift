/// A D-Bus value with its type, as written into or read out of a message. sd-bus's variadic
/// `sd_bus_message_append`/`read` are not callable from Swift, so every value goes through this
/// tree and is marshalled piece by piece (see `BusMessageWriter` and `BusMessageReader`).
public indirect enum BusValue: Sendable, Equatable, CustomStringConvertible {
    case byte(UInt8)
    case bool(Bool)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    case string(String)
    case objectPath(String)
    case signature(String)
    /// Elements all of type `elementSignature`; kept even when empty so an empty array still
    /// has a type.
    case array(elementSignature: String, [BusValue])
    /// `a{kv}`; pairs keep their order.
    case dictionary(keySignature: String, valueSignature: String, [BusDictEntry])
    case variant(BusValue)
    case structure([BusValue])

    /// The D-Bus type signature of this value (`s`, `as`, `a{sv}`, `(us)`, …).
    public var signature: String {
        switch self {
        case .byte: return "y"
        case .bool: return "b"
        case .int16: return "n"
        case .uint16: return "q"
        case .int32: return "i"
        case .uint32: return "u"
        case .int64: return "x"
        case .uint64: return "t"
        case .double: return "d"
        case .string: return "s"
        case .objectPath: return "o"
        case .signature: return "g"
        case .array(let element, _): return "a" + element
        case .dictionary(let k, let v, _): return "a{" + k + v + "}"
        case .variant: return "v"
        case .structure(let fields): return "(" + fields.map(\.signature).joined() + ")"
        }
    }

    public var description: String {
        switch self {
        case .byte(let v): return "byte \(v)"
        case .bool(let v): return "\(v)"
        case .int16(let v): return "\(v)"
        case .uint16(let v): return "\(v)"
        case .int32(let v): return "\(v)"
        case .uint32(let v): return "\(v)"
        case .int64(let v): return "\(v)"
        case .uint64(let v): return "\(v)"
        case .double(let v): return "\(v)"
        case .string(let v): return "\"\(v)\""
        case .objectPath(let v): return "path \(v)"
        case .signature(let v): return "sig \(v)"
        case .array(_, let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .dictionary(_, _, let entries):
            return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .variant(let v): return "<\(v)>"
        case .structure(let fields): return "(" + fields.map(\.description).joined(separator: ", ") + ")"
        }
    }

    // MARK: Convenience accessors (nil when the value has another type)

    public var stringValue: String? {
        switch self {
        case .string(let s), .objectPath(let s), .signature(let s): return s
        default: return nil
        }
    }

    public var uint32Value: UInt32? {
        if case .uint32(let v) = self { return v }
        return nil
    }

    public var int32Value: Int32? {
        if case .int32(let v) = self { return v }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    /// The strings of an `as` (nil for anything else, or when an element is not a string).
    public var stringArray: [String]? {
        guard case .array(_, let items) = self else { return nil }
        var result: [String] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let s = item.stringValue else { return nil }
            result.append(s)
        }
        return result
    }

    /// The value inside a variant, or the value itself.
    public var unwrappedVariant: BusValue {
        if case .variant(let inner) = self { return inner.unwrappedVariant }
        return self
    }

    // MARK: Builders for common shapes

    public static func stringArray(_ strings: [String]) -> BusValue {
        .array(elementSignature: "s", strings.map { .string($0) })
    }

    /// An `a{sv}` from string keys; values are wrapped in variants.
    public static func vardict(_ entries: [(String, BusValue)]) -> BusValue {
        .dictionary(keySignature: "s", valueSignature: "v",
                    entries.map { BusDictEntry(key: .string($0.0), value: .variant($0.1)) })
    }
}

public struct BusDictEntry: Sendable, Equatable {
    public var key: BusValue
    public var value: BusValue

    public init(key: BusValue, value: BusValue) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == BusValue {
    /// The concatenated signature of a message body.
    public var busSignature: String { map(\.signature).joined() }
}
