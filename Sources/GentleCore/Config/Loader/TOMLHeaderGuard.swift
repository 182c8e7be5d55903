/// Finds a table header whose name does not start like a key — `[,checkin]`, `[ =x]`, `[[#`,
/// a `[` alone at the end of a line — before the text reaches TOMLKit.
///
/// TOMLKit's toml++ checks that case with an assertion instead of an error, and the assertion
/// is compiled in (SwiftPM builds dependencies without NDEBUG), so such a header would abort the
/// whole process: `gentle check` would crash, and a reload would take the daemon down instead of
/// keeping the last good config. The guard reports it the way toml++ reports the same mistake
/// in a key (`expected bare key starting character or string delimiter, saw ','`), at the same
/// position.
///
/// It follows the document's statements the way a TOML parser does — strings, comments and
/// nested arrays and inline tables, which may span lines — so a `[` inside a value is never
/// mistaken for a header. On text that is not TOML it may stop early; it only ever reports a
/// header that is wrong in any reading.
enum TOMLHeaderGuard {
    static func check(_ text: String) throws(TOMLSyntaxError) {
        var scanner = Scanner(scalars: Array(text.unicodeScalars))
        if let (position, found) = scanner.firstBadHeader() {
            throw TOMLSyntaxError(position: position,
                reason: "Error while parsing table header: expected bare key starting character or string delimiter, saw '\(found)'")
        }
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var column = 1

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
            if scalars.first == "\u{FEFF}" { index = 1 }
        }

        var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
        func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

        mutating func advance() {
            guard let c = current else { return }
            index += 1
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }

        mutating func firstBadHeader() -> (SourcePosition, String)? {
            var depth = 0              // open `[` / `{` of values
            var atStatementStart = true
            while let c = current {
                switch c {
                case "#":
                    while let s = current, s != "\n" { advance() }
                case "\"", "'":
                    skipString(quote: c)
                    atStatementStart = false
                case "[" where atStatementStart && depth == 0:
                    if let bad = checkHeader() { return bad }
                    // The rest of a header line holds no value that could open a bracket.
                    skipHeaderLine()
                    atStatementStart = false
                case "[", "{":
                    depth += 1
                    advance()
                    atStatementStart = false
                case "]", "}":
                    depth = max(0, depth - 1)
                    advance()
                case "\n":
                    if depth == 0 { atStatementStart = true }
                    advance()
                case " ", "\t", "\r":
                    advance()
                default:
                    atStatementStart = false
                    advance()
                }
            }
            return nil
        }

        /// At the `[` of a header: what toml++ does before it reads the name.
        mutating func checkHeader() -> (SourcePosition, String)? {
            advance()
            var hadSpace = false
            while let c = current, c == " " || c == "\t" { hadSpace = true; advance() }
            if current == "[" {
                if hadSpace { return nil }  // "[ [": toml++ says the brackets must be contiguous
                advance()
                while let c = current, c == " " || c == "\t" { advance() }
            }
            guard let c = current, c != "]", !Self.startsKey(c), !Self.isOtherHorizontalSpace(c) else {
                return nil  // a name, or a mistake toml++ reports itself
            }
            return (SourcePosition(line: line, column: column), Self.shown(c))
        }

        mutating func skipHeaderLine() {
            while let c = current, c != "\n" {
                if c == "\"" || c == "'" { skipString(quote: c) } else { advance() }
            }
        }

        /// A basic or literal string, single- or multi-line; ends early at a line break when
        /// single-line (an unterminated string: the parser reports that one).
        mutating func skipString(quote: Unicode.Scalar) {
            let multiline = peek(1) == quote && peek(2) == quote
            if multiline {
                advance(); advance(); advance()
                while let c = current {
                    if c == "\\" && quote == "\"" { advance(); advance(); continue }
                    if c == quote && peek(1) == quote && peek(2) == quote {
                        var run = 0
                        while current == quote && run < 5 { advance(); run += 1 }
                        return
                    }
                    advance()
                }
                return
            }
            advance()
            while let c = current, c != "\n" {
                if c == "\\" && quote == "\"" { advance(); if current != "\n" { advance() }; continue }
                advance()
                if c == quote { return }
            }
        }

        static func startsKey(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
                || c == "\"" || c == "'"
        }

        /// Unicode spaces toml++ refuses with its own error ("expected space or tab").
        static func isOtherHorizontalSpace(_ c: Unicode.Scalar) -> Bool {
            c == "\u{A0}" || c == "\u{1680}" || (c.value >= 0x2000 && c.value <= 0x200A) || c == "\u{202F}"
                || c == "\u{205F}" || c == "\u{3000}"
        }

        static func shown(_ c: Unicode.Scalar) -> String {
            switch c {
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            default: return c.value < 0x20 || c.value == 0x7F ? "\\u{\(String(c.value, radix: 16))}" : String(c)
            }
        }
    }
}
