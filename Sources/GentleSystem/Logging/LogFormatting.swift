import Logging

extension Logger.Level {
    /// The syslog priority systemd and journald use: 7 debug … 2 critical.
    public var syslogPriority: Int {
        switch self {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}

/// Pieces shared by the log handlers.
enum LogFormatting {
    /// Handler metadata, then the provider's, then the call's: later ones win.
    static func merged(_ handler: Logger.Metadata, _ provider: Logger.MetadataProvider?,
                       _ event: Logger.Metadata?) -> Logger.Metadata {
        var all = handler
        if let provided = provider?.get(), !provided.isEmpty { all.merge(provided) { $1 } }
        if let event, !event.isEmpty { all.merge(event) { $1 } }
        return all
    }

    /// `key=value` pairs sorted by key; values with spaces, quotes or `=` are quoted, and line
    /// breaks are escaped so one log call stays one line.
    static func pairs(_ metadata: Logger.Metadata) -> String {
        metadata.sorted { $0.key < $1.key }.map { key, value in
            let text = singleLine("\(value)")
            let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" }
            return key + "=" + (needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : text)
        }.joined(separator: " ")
    }

    /// Escapes line breaks (and other control characters) as `\n`, `\r`, `\t`, `\u{..}`.
    static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
