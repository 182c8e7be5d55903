/// A cursor over config text that counts positions the way error messages do: lines from 1,
/// columns in Unicode scalars from 1. Shared by the scanners that read the text beside TOMLKit
/// (`TOMLKeyLocator`, `TOMLParserGuard`), so both agree on positions, comments and strings.
protocol TOMLTextScanning {
    var scalars: [Unicode.Scalar] { get }
    var index: Int { get set }
    var line: Int { get set }
    var column: Int { get set }
}

extension TOMLTextScanning {
    /// The scalars of `text`, without a leading byte-order mark (it takes no column).
    static func scalars(of text: String) -> [Unicode.Scalar] {
        var s = Array(text.unicodeScalars)
        if s.first == "\u{FEFF}" { s.removeFirst() }
        return s
    }

    var atEnd: Bool { index >= scalars.count }
    var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }
    var position: SourcePosition { SourcePosition(line: line, column: column) }

    mutating func advance() {
        guard let c = current else { return }
        index += 1
        if c == "\n" { line += 1; column = 1 } else { column += 1 }
    }

    mutating func advance(_ count: Int) { for _ in 0..<count { advance() } }

    /// From `#` to the end of the line (the line break stays).
    mutating func skipComment() {
        guard current == "#" else { return }
        while let c = current, c != "\n" { advance() }
    }

    /// Skips `"""…"""` or `'''…'''` from its opening quotes; the closing run may carry up to two
    /// extra quotes.
    mutating func skipMultilineString(quote: Unicode.Scalar) {
        advance(3)
        while let c = current {
            if c == "\\" && quote == "\"" {
                advance(2)
                continue
            }
            if c == quote && peek(1) == quote && peek(2) == quote {
                var run = 0
                while current == quote && run < 5 { advance(); run += 1 }
                return
            }
            advance()
        }
    }

    static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
    }
}
