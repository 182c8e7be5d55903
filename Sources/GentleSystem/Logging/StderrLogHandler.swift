#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleCore
import Logging

/// Log lines on standard error, in one of two shapes:
///
/// - `.syslogPrefixed` — `<4>The event log ended in a torn line… bytes=12 path=/x`: what systemd
///   parses when stderr goes to the journal (the `<N>` becomes the priority; the journal adds the
///   time). Used when stderr is not a terminal.
/// - `.plain` — `14:30:05 warning: The event log ended in a torn line… bytes=12 path=/x`: for a
///   person at a terminal.
///
/// One call is one line (line breaks in messages and metadata are escaped) and one `write(2)`,
/// so lines from different threads never interleave.
public struct StderrLogHandler: LogHandler {
    public enum Style: Sendable, Equatable {
        case syslogPrefixed
        case plain
    }

    public typealias Sink = @Sendable ([UInt8]) -> Void

    public let label: String
    public let style: Style
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let timeZone: TimeZone
    private let now: @Sendable () -> Date
    private let sink: Sink

    public init(label: String, style: Style, logLevel: Logger.Level = .info, timeZone: TimeZone = .current,
                now: @escaping @Sendable () -> Date = { Date() }, sink: @escaping Sink = StderrLogHandler.standardError) {
        self.label = label
        self.style = style
        self.logLevel = logLevel
        self.timeZone = timeZone
        self.now = now
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = LogFormatting.merged(metadata, metadataProvider, event.metadata)
        let text = Self.line(style: style, level: event.level, message: event.message.description, metadata: all,
                             date: now(), timeZone: timeZone)
        sink(Array(text.utf8))
    }

    /// The exact line written for one call, line break included.
    public static func line(style: Style, level: Logger.Level, message: String, metadata: Logger.Metadata,
                            date: Date, timeZone: TimeZone) -> String {
        let pairs = LogFormatting.pairs(metadata)
        let body = LogFormatting.singleLine(message) + (pairs.isEmpty ? "" : " " + pairs)
        switch style {
        case .syslogPrefixed:
            return "<\(level.syslogPriority)>" + body + "\n"
        case .plain:
            let stamp = ISO8601Offset.format(date, in: timeZone, fractionDigits: 0)
            let time = String(stamp.dropFirst(11).prefix(8))
            let tag = level == .info ? "" : "\(level): "
            return time + " " + tag + body + "\n"
        }
    }

    /// Writes to file descriptor 2, retrying interrupted and partial writes; drops the line if
    /// stderr is gone (nothing sensible is left to report that to).
    public static let standardError: Sink = { bytes in
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var done = 0
            while done < raw.count {
                let n = write(2, base + done, raw.count - done)
                if n > 0 {
                    done += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
