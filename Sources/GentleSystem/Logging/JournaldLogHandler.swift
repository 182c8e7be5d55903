#if canImport(Glibc)
import Glibc
#endif
import CSystemd
import Foundation
import Logging

/// Sends each log call to journald as one structured entry (the native protocol, through
/// `sd_journal_sendv`): `MESSAGE=`, `PRIORITY=` from the level, `SYSLOG_IDENTIFIER=gentle`,
/// `CODE_FILE=`/`CODE_LINE=`/`CODE_FUNC=`, `LOGGER=` (the logger's label), and each metadata
/// entry as an upper-case field (`checkin.id` → `CHECKIN_ID=`, `occurrence` → `OCCURRENCE=`), so
/// `journalctl --user -u gentle CHECKIN_ID=breathe` finds everything about one check-in.
public struct JournaldLogHandler: LogHandler {
    public let label: String
    public let identifier: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, identifier: String = "gentle", logLevel: Logger.Level = .info) {
        self.label = label
        self.identifier = identifier
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = LogFormatting.merged(metadata, metadataProvider, event.metadata)
        let fields = Self.fields(level: event.level, message: event.message.description, metadata: all,
                                 identifier: identifier, label: label, file: event.file, line: event.line,
                                 function: event.function)
        Self.send(fields)
    }

    /// Fields the journal may not get from metadata: ours, and the ones journald sets itself.
    private static let reserved: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "LOGGER",
    ]

    /// The `NAME=value` fields of one entry, in order.
    public static func fields(level: Logger.Level, message: String, metadata: Logger.Metadata, identifier: String,
                              label: String, file: String, line: UInt, function: String) -> [String] {
        var fields = [
            "MESSAGE=" + message,
            "PRIORITY=\(level.syslogPriority)",
            "SYSLOG_IDENTIFIER=" + identifier,
            "CODE_FILE=" + file,
            "CODE_LINE=\(line)",
            "CODE_FUNC=" + function,
            "LOGGER=" + label,
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let name = fieldName(forMetadataKey: key) else { continue }
            fields.append(name + "=" + "\(value)")
        }
        return fields
    }

    /// A journal field name for a metadata key: upper-case letters, digits and `_`, not starting
    /// with `_` (reserved for trusted fields) or a digit, at most 64 characters. Names that would
    /// clash with the handler's own fields get a `GENTLE_` prefix; keys with nothing usable give nil.
    public static func fieldName(forMetadataKey key: String) -> String? {
        var name = String(key.unicodeScalars.map { scalar -> Character in
            switch scalar.value {
            case 0x61...0x7A: return Character(Unicode.Scalar(scalar.value - 0x20) ?? "_")
            case 0x41...0x5A, 0x30...0x39: return Character(scalar)
            default: return "_"
            }
        })
        while name.hasPrefix("_") { name.removeFirst() }
        guard let first = name.first else { return nil }
        if first.isNumber || reserved.contains(name) { name = "GENTLE_" + name }
        return String(name.prefix(64))
    }

    /// Hands the fields to journald in one datagram; returns what `sd_journal_sendv` returned.
    @discardableResult
    static func send(_ fields: [String]) -> Int32 {
        let total = fields.reduce(0) { $0 + $1.utf8.count }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var vectors: [iovec] = []
        vectors.reserveCapacity(fields.count)
        var offset = 0
        for field in fields {
            let count = field.utf8.count
            let target = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<(offset + count)])
            _ = target.initializeMemory(as: UInt8.self, from: field.utf8)
            vectors.append(iovec(iov_base: target.baseAddress, iov_len: count))
            offset += count
        }
        return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
    }
}
