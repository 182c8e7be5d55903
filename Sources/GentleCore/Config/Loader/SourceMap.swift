/// A place in a config file, 1-based; columns count Unicode scalars, as TOML parse errors do.
public struct SourcePosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let start = SourcePosition(line: 1, column: 1)

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        a.line != b.line ? a.line < b.line : a.column < b.column
    }

    public var description: String { "\(line):\(column)" }
}

/// A path to a value in a TOML document: `checkin[2].channels[0]` is
/// `[.key("checkin"), .index(2), .key("channels"), .index(0)]`.
public struct ConfigKeyPath: Hashable, Sendable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public static let root = ConfigKeyPath()

    public func appending(_ key: String) -> ConfigKeyPath { ConfigKeyPath(components + [.key(key)]) }
    public func appending(index: Int) -> ConfigKeyPath { ConfigKeyPath(components + [.index(index)]) }

    public var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let k): out += out.isEmpty ? k : "." + k
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}

/// Where each key and value of a document was written. TOMLKit's nodes carry no positions, so
/// `TOMLKeyLocator` builds this from the source text; every semantic error is pinned with it.
public struct SourceMap: Sendable {
    public struct Entry: Sendable, Hashable {
        /// The key's first character; for a `[table]` or `[[table]]` header, its opening bracket.
        public var key: SourcePosition
        /// The value's first character (an opening quote or bracket); the header for tables.
        public var value: SourcePosition
    }

    public private(set) var entries: [ConfigKeyPath: Entry] = [:]

    public init() {}

    mutating func record(_ path: ConfigKeyPath, key: SourcePosition, value: SourcePosition? = nil) {
        if entries[path] == nil { entries[path] = Entry(key: key, value: value ?? key) }
    }

    mutating func recordValue(_ path: ConfigKeyPath, at position: SourcePosition) {
        if var entry = entries[path] {
            entry.value = position
            entries[path] = entry
        } else {
            entries[path] = Entry(key: position, value: position)
        }
    }

    public func keyPosition(_ path: ConfigKeyPath) -> SourcePosition? { entries[path]?.key }
    public func valuePosition(_ path: ConfigKeyPath) -> SourcePosition? { entries[path]?.value }
}
