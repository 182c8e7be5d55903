/// One thing wrong with a config file, pinned to where it was written when that is known:
/// `config.toml:12:8: "between" must look like "09:00..20:00", got "9-20"`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path as the user gave it (so the message points where they looked).
    public var file: String
    public var line: Int?
    public var column: Int?
    /// What is wrong and what to write instead; never contains a secret.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public init(file: String, at position: SourcePosition?, message: String) {
        self.init(file: file, line: position?.line, column: position?.column, message: message)
    }

    public var position: SourcePosition? {
        guard let line, let column else { return nil }
        return SourcePosition(line: line, column: column)
    }

    public var description: String {
        if let line, let column { return "\(file):\(line):\(column): \(message)" }
        return "\(file): \(message)"
    }
}

/// Everything wrong with one config file, in file order (problems with the file as a whole
/// first). Thrown by the loader; its description is one `file:line:column: message` per line.
public struct ConfigErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors.enumerated().sorted { a, b in
            switch (a.element.position, b.element.position) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (pa?, pb?): return pa != pb ? pa < pb : a.offset < b.offset
            }
        }.map(\.element)
    }

    public init(_ error: ConfigError) { self.init([error]) }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
