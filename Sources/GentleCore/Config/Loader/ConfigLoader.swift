import Foundation

/// Turns the text of a config file into a `GentleConfig`, or into every problem it has, each
/// pinned to `file:line:column` with what to write instead. Pure: reading the file and checking
/// secrets on disk happen in GentleSystem's `ConfigFile`.
public enum ConfigLoader {
    /// Larger files are refused before parsing: a config is a few KiB.
    public static let maxFileSize = 4 << 20

    public static func load(text: String, path: String) throws(ConfigErrors) -> GentleConfig {
        try loadDocument(text: text, path: path).config
    }

    /// The config and where each of its keys was written (for checks that happen later, such as
    /// file permissions of `password_file`).
    public static func loadDocument(text: String, path: String) throws(ConfigErrors) -> LoadedConfig {
        if let nul = text.unicodeScalars.firstIndex(of: "\u{0}") {
            let position = position(of: nul, in: text)
            throw ConfigErrors(ConfigError(file: path, at: position,
                message: "the file contains a NUL byte, so it is not a text file; save it as plain UTF-8 text"))
        }
        let root: [String: TOMLNode]
        do {
            root = try TOMLNode.parse(text)
        } catch {
            throw ConfigErrors(ConfigError(file: path, at: error.position, message: TOMLSyntaxHint.message(for: error.reason)))
        }
        let map = TOMLKeyLocator.locate(in: text)
        let diagnostics = ConfigDiagnostics(file: path, map: map)
        let config = ConfigBuilder(path: path, diagnostics: diagnostics).build(root: root)
        guard diagnostics.isEmpty, let config else { throw ConfigErrors(diagnostics.errors) }
        return LoadedConfig(config: config, sourceMap: map)
    }

    /// Decodes a file's bytes, refusing anything that is not UTF-8 text (with the position of
    /// the first bad byte) or is too large.
    public static func decode(bytes: [UInt8], path: String) throws(ConfigErrors) -> String {
        guard bytes.count <= maxFileSize else {
            throw ConfigErrors(ConfigError(file: path, message: tooLargeMessage(bytes.count)))
        }
        var line = 1
        var column = 1
        var i = 0
        while i < bytes.count {
            let length = utf8SequenceLength(bytes, at: i)
            guard length > 0 else {
                let hex = String(bytes[i], radix: 16, uppercase: true)
                throw ConfigErrors(ConfigError(file: path, line: line, column: column,
                    message: "the file is not valid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex)); save it as UTF-8 text"))
            }
            if bytes[i] == 0x0A { line += 1; column = 1 } else { column += 1 }
            i += length
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Length of the well-formed UTF-8 sequence starting at `i`, or 0 when it is malformed
    /// (overlong forms, surrogates and values past U+10FFFF included).
    private static func utf8SequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let lead = b[i]
        if lead < 0x80 { return 1 }
        func cont(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            i + k < b.count && range.contains(b[i + k])
        }
        switch lead {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0...0xBF) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80...0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90...0xBF) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80...0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// For a file over `maxFileSize` bytes.
    public static func tooLargeMessage(_ size: Int) -> String {
        "the file has \(size) bytes, more than a config may have (4 MiB); check that this is the config file"
    }

    private static func position(of target: String.UnicodeScalarView.Index, in text: String) -> SourcePosition {
        var line = 1
        var column = 1
        var i = text.unicodeScalars.startIndex
        while i < target {
            if text.unicodeScalars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
            i = text.unicodeScalars.index(after: i)
        }
        return SourcePosition(line: line, column: column)
    }
}

/// A validated config with the positions of its keys.
public struct LoadedConfig: Sendable {
    public var config: GentleConfig
    public var sourceMap: SourceMap

    /// Where a value was written, like `ConfigKeyPath([.key("email"), .key("password_file")])`.
    public func valuePosition(_ path: ConfigKeyPath) -> SourcePosition? { sourceMap.valuePosition(path) }
    public func keyPosition(_ path: ConfigKeyPath) -> SourcePosition? { sourceMap.keyPosition(path) }
}
