/// Finds where every key and value of a TOML document was written. It runs only on text TOMLKit
/// has already accepted, so it can read the structure without re-checking the grammar; on
/// anything unexpected it stops early and the map is just less complete (errors then fall
/// back to the enclosing table's position).
public struct TOMLKeyLocator: TOMLTextScanning {
    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var column = 1
    private var map = SourceMap()
    private var table = ConfigKeyPath.root
    /// How many `[[name]]` headers each array-of-tables path has seen so far.
    private var arrayTableCounts: [ConfigKeyPath: Int] = [:]

    public static func locate(in text: String) -> SourceMap {
        var locator = TOMLKeyLocator(text: text)
        locator.scanDocument()
        return locator.map
    }

    private init(text: String) {
        scalars = Self.scalars(of: text)
    }

    // MARK: - Cursor

    private mutating func skipSpaces() {
        while let c = current, c == " " || c == "\t" { advance() }
    }

    /// Spaces, newlines and comments: what may sit between array elements.
    private mutating func skipBlank() {
        while let c = current {
            if c == " " || c == "\t" || c == "\n" || c == "\r" { advance() } else if c == "#" { skipComment() } else { return }
        }
    }

    private mutating func skipToEndOfLine() {
        while let c = current, c != "\n" { advance() }
    }

    // MARK: - Document

    private mutating func scanDocument() {
        var guardCount = 0
        while !atEnd {
            guardCount += 1
            if guardCount > scalars.count + 10 { return }  // no progress: stop rather than spin
            skipBlank()
            guard let c = current else { return }
            if c == "[" {
                scanHeader()
            } else {
                let before = index
                scanKeyValue(in: table)
                if index == before { advance() }
            }
            skipSpaces()
            skipComment()
        }
    }

    private mutating func scanHeader() {
        let start = position
        let isArray = peek(1) == "["
        advance(isArray ? 2 : 1)
        skipSpaces()
        let names = scanKey().map(\.name)
        skipSpaces()
        advance(isArray ? 2 : 1)
        guard let last = names.last else { return }
        var path = resolve(names.dropLast())
        path = path.appending(last)
        if isArray {
            map.record(path, key: start)
            let n = arrayTableCounts[path] ?? 0
            arrayTableCounts[path] = n + 1
            path = path.appending(index: n)
        } else if let n = arrayTableCounts[path] {
            path = path.appending(index: n - 1)
        }
        map.record(path, key: start)
        table = path
    }

    /// A dotted name from a header, where a name that is an array of tables means its latest entry.
    private func resolve<S: Sequence>(_ names: S) -> ConfigKeyPath where S.Element == String {
        var path = ConfigKeyPath.root
        for name in names {
            path = path.appending(name)
            if let n = arrayTableCounts[path] { path = path.appending(index: n - 1) }
        }
        return path
    }

    private mutating func scanKeyValue(in base: ConfigKeyPath) {
        let parts = scanKey()
        guard !parts.isEmpty else { skipToEndOfLine(); return }
        var path = base
        for part in parts {
            path = path.appending(part.name)
            map.record(path, key: part.position)
        }
        skipSpaces()
        guard current == "=" else { skipToEndOfLine(); return }
        advance()
        skipSpaces()
        scanValue(at: path)
    }

    // MARK: - Keys

    private mutating func scanKey() -> [(name: String, position: SourcePosition)] {
        var parts: [(String, SourcePosition)] = []
        while let c = current {
            let at = position
            let name: String
            if c == "\"" {
                name = scanBasicString()
            } else if c == "'" {
                name = scanLiteralString()
            } else {
                var bare = ""
                while let b = current, Self.isBareKeyScalar(b) {
                    bare.unicodeScalars.append(b)
                    advance()
                }
                guard !bare.isEmpty else { return parts }
                name = bare
            }
            parts.append((name, at))
            skipSpaces()
            guard current == "." else { return parts }
            advance()
            skipSpaces()
        }
        return parts
    }

    // MARK: - Values

    private mutating func scanValue(at path: ConfigKeyPath) {
        map.recordValue(path, at: position)
        guard let c = current else { return }
        switch c {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" { skipMultilineString(quote: "\"") } else { _ = scanBasicString() }
        case "'":
            if peek(1) == "'" && peek(2) == "'" { skipMultilineString(quote: "'") } else { _ = scanLiteralString() }
        case "[":
            scanArray(at: path)
        case "{":
            scanInlineTable(at: path)
        default:
            while let s = current, !",]}#\n\r".unicodeScalars.contains(s) { advance() }
        }
    }

    private mutating func scanArray(at path: ConfigKeyPath) {
        advance()
        var element = 0
        while !atEnd {
            skipBlank()
            if current == "]" { advance(); return }
            let before = index
            scanValue(at: path.appending(index: element))
            element += 1
            skipBlank()
            if current == "," { advance() } else if current == "]" { advance(); return }
            if index == before { return }
        }
    }

    private mutating func scanInlineTable(at path: ConfigKeyPath) {
        advance()
        while !atEnd {
            skipBlank()
            if current == "}" { advance(); return }
            let before = index
            scanKeyValue(in: path)
            skipBlank()
            if current == "," { advance() } else if current == "}" { advance(); return }
            if index == before { return }
        }
    }

    /// A `"…"` string with its escapes decoded (keys can be quoted and must match TOMLKit's).
    private mutating func scanBasicString() -> String {
        advance()
        var out = String.UnicodeScalarView()
        while let c = current, c != "\"", c != "\n" {
            if c == "\\" {
                advance()
                guard let e = current else { break }
                advance()
                switch e {
                case "b": out.append("\u{08}")
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "f": out.append("\u{0C}")
                case "r": out.append("\r")
                case "e": out.append("\u{1B}")
                case "u", "U", "x":
                    let width = e == "u" ? 4 : (e == "U" ? 8 : 2)
                    var hex = ""
                    for _ in 0..<width { if let h = current { hex.unicodeScalars.append(h); advance() } }
                    if let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) { out.append(s) }
                default: out.append(e)
                }
            } else {
                out.append(c)
                advance()
            }
        }
        if current == "\"" { advance() }
        return String(out)
    }

    private mutating func scanLiteralString() -> String {
        advance()
        var out = String.UnicodeScalarView()
        while let c = current, c != "'", c != "\n" {
            out.append(c)
            advance()
        }
        if current == "'" { advance() }
        return String(out)
    }
}
