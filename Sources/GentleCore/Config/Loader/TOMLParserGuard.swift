/// Refuses, before the text reaches TOMLKit, the two mistakes toml++ checks with an assertion
/// instead of an error:
/// - a table header whose name does not start like a key: `[,checkin]`, `[ =x]`, `[[[a]]]`,
///   a `[` alone at the end of a line;
/// - a list element that starts with `}` or a Unicode line separator: `["done", }`.
///
/// The assertions are compiled in (SwiftPM builds dependencies without NDEBUG), so either would
/// abort the whole process: `gentle check` would crash, and a reload would take the daemon down
/// instead of keeping the last good config. Both were found by fuzzing (`make fuzz`). The guard
/// reports them in toml++'s own words for the neighbouring mistakes, at the same position.
///
/// It follows the document the way a TOML parser does — strings, comments, nested arrays and
/// inline tables, which may span lines — so a `[` inside a value is never taken for a header.
/// On text that is not TOML it may read things differently from toml++; it only ever reports a
/// spot that is wrong in any reading.
enum TOMLParserGuard {
    static func check(_ text: String) throws(TOMLSyntaxError) {
        var scanner = Scanner(text: text)
        if let problem = scanner.firstProblem() {
            throw TOMLSyntaxError(position: problem.position, reason: problem.reason)
        }
    }

    private struct Problem {
        var position: SourcePosition
        var reason: String
    }

    private struct Scanner: TOMLTextScanning {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var column = 1

        init(text: String) {
            scalars = Self.scalars(of: text)
        }

        mutating func firstProblem() -> Problem? {
            var open: [Unicode.Scalar] = []  // the `[` and `{` of values around the cursor
            var atStatementStart = true
            var expectingElement = false     // just after `[` or `,` in a list
            while let c = current {
                if expectingElement {
                    if c == " " || c == "\t" || c == "\n" || c == "\r" { advance(); continue }
                    if c == "#" { skipComment(); continue }
                    // toml++ stops at this comma with its own error and reads no further.
                    if c == "," { return nil }
                    expectingElement = false
                    if c == "}" || Self.isOtherLineBreak(c) {
                        return Problem(position: position,
                            reason: "Error while parsing array: expected value or closing ']', saw '\(Self.shown(c))'")
                    }
                }
                switch c {
                case "#":
                    skipComment()
                case "\"", "'":
                    skipString(quote: c)
                    atStatementStart = false
                case "[" where atStatementStart && open.isEmpty:
                    if let problem = checkHeader() { return problem }
                    skipHeaderLine()
                    atStatementStart = false
                case "[":
                    open.append(c)
                    expectingElement = true
                    atStatementStart = false
                    advance()
                case "{":
                    open.append(c)
                    atStatementStart = false
                    advance()
                case "]", "}":
                    _ = open.popLast()
                    advance()
                case ",":
                    expectingElement = open.last == "["
                    advance()
                case "\n":
                    if open.isEmpty { atStatementStart = true }
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
        mutating func checkHeader() -> Problem? {
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
            return Problem(position: position,
                reason: "Error while parsing table header: expected bare key starting character or string delimiter, saw '\(Self.shown(c))'")
        }

        /// The rest of a header line holds no value that could open a bracket.
        mutating func skipHeaderLine() {
            while let c = current, c != "\n" {
                if c == "\"" || c == "'" { skipString(quote: c) } else { advance() }
            }
        }

        /// A basic or literal string, single- or multi-line; a single-line one ends early at a
        /// line break (unterminated: the parser reports that).
        mutating func skipString(quote: Unicode.Scalar) {
            if peek(1) == quote && peek(2) == quote {
                skipMultilineString(quote: quote)
                return
            }
            advance()
            while let c = current, c != "\n" {
                if c == "\\" && quote == "\"" {
                    advance()
                    if current != "\n" { advance() }
                    continue
                }
                advance()
                if c == quote { return }
            }
        }

        static func startsKey(_ c: Unicode.Scalar) -> Bool {
            isBareKeyScalar(c) || c == "\"" || c == "'"
        }

        /// Unicode spaces toml++ refuses with its own error ("expected space or tab").
        static func isOtherHorizontalSpace(_ c: Unicode.Scalar) -> Bool {
            c == "\u{A0}" || c == "\u{1680}" || (c.value >= 0x2000 && c.value <= 0x200A) || c == "\u{202F}"
                || c == "\u{205F}" || c == "\u{3000}" || c == "\u{FEFF}"
        }

        /// Line breaks toml++ counts as whitespace but does not skip between list elements.
        static func isOtherLineBreak(_ c: Unicode.Scalar) -> Bool {
            c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
        }

        static func shown(_ c: Unicode.Scalar) -> String {
            switch c {
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            default:
                guard c.value < 0x20 || c.value == 0x7F || isOtherLineBreak(c) else { return String(c) }
                let hex = String(c.value, radix: 16, uppercase: true)
                return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
    }
}
