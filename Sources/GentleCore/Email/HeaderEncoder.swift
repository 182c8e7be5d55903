import Foundation

/// Writes header fields: plain ASCII folded at spaces, anything else as RFC 2047 encoded-words.
/// Every line a field produces is at most 76 octets when it holds encoded-words (RFC 2047 §2)
/// and at most 998 otherwise; lines are joined with CRLF and the result has no trailing CRLF.
enum HeaderEncoder {
    /// Longest line we aim for; RFC 2047 caps lines holding encoded-words at 76.
    static let lineLimit = 76
    /// "=?UTF-8?Q?" + "?=".
    private static let wordOverhead = 12

    /// An unstructured field such as `Subject`. Runs of spaces collapse to one.
    static func unstructured(name: String, value: String, field: String) throws -> String {
        try rejectControls(value, field: field)
        let words = value.split(separator: " ").map(String.init)
        let needsEncoding = !value.unicodeScalars.allSatisfy(\.isASCII) || value.contains("=?")
            || words.contains { name.utf8.count + 2 + $0.utf8.count > 998 }
        if !needsEncoding { return fold(name: name, atoms: words) }
        let collapsed = words.joined(separator: " ")
        return fold(name: name, atoms: encodedWords(collapsed, firstCapacity: lineLimit - name.utf8.count - 2))
    }

    /// An address field: `To: parent@example.org` or `From: "Dr. Ada" <ada@example.org>`.
    static func mailbox(name: String, _ mailbox: EmailAddress, field: String) throws -> String {
        let angle = "<\(mailbox.address)>"
        guard let display = mailbox.displayName else { return "\(name): \(mailbox.address)" }
        try rejectControls(display, field: field)
        let collapsed = display.split(separator: " ").joined(separator: " ")
        if collapsed.unicodeScalars.allSatisfy(\.isASCII) && !collapsed.contains("=?") {
            let plainPhrase = collapsed.unicodeScalars.allSatisfy { HeaderText.isAtext($0) || $0 == " " }
            let phrase = plainPhrase ? collapsed : quoted(collapsed)
            return fold(name: name, atoms: phrase.split(separator: " ").map(String.init) + [angle])
        }
        return fold(name: name, atoms: encodedWords(collapsed, firstCapacity: lineLimit - name.utf8.count - 2) + [angle])
    }

    static func rejectControls(_ value: String, field: String) throws {
        if value.unicodeScalars.contains(where: HeaderText.isControl) {
            throw EmailError.headerHasControlCharacter(field: field)
        }
    }

    private static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Joins atoms with single spaces, breaking the line (CRLF + space) before an atom that would
    /// push it past 76 octets. An atom longer than a line stays whole: only ASCII words over 998
    /// octets could break the hard limit, and those are encoded instead.
    static func fold(name: String, atoms: [String]) -> String {
        var out = name + ":"
        var lineLength = out.utf8.count
        for atom in atoms {
            let length = atom.utf8.count
            if lineLength + 1 + length > lineLimit && lineLength > name.utf8.count + 1 {
                out += "\r\n "
                lineLength = 1
            } else {
                out += " "
                lineLength += 1
            }
            out += atom
            lineLength += length
        }
        return out
    }

    /// RFC 2047 encoded-words for `text`, each holding whole characters (never a split UTF-8
    /// sequence, and grapheme clusters kept together when they fit). The first word is at most
    /// `firstCapacity` octets, the rest at most 75. Q encoding is used when it is no longer than
    /// B (mostly-Latin text stays readable), B otherwise.
    static func encodedWords(_ text: String, firstCapacity: Int) -> [String] {
        let bytes = Array(text.utf8)
        let qLength = bytes.reduce(0) { $0 + qEncodedLength($1) }
        let useQ = qLength <= (bytes.count + 2) / 3 * 4
        let encodedLength: ([UInt8]) -> Int = useQ
            ? { $0.reduce(0) { $0 + qEncodedLength($1) } }
            : { ($0.count + 2) / 3 * 4 }
        // Never less room than one 4-byte scalar needs, so the loop below always makes progress.
        let minimumCapacity = wordOverhead + 12
        var capacity = max(firstCapacity, minimumCapacity)
        var words: [String] = []
        var pending: [UInt8] = []

        func flush() {
            guard !pending.isEmpty else { return }
            words.append(useQ ? qWord(pending) : bWord(pending))
            pending.removeAll(keepingCapacity: true)
            capacity = 75
        }
        func add(_ piece: [UInt8]) {
            if !pending.isEmpty && wordOverhead + encodedLength(pending + piece) > capacity { flush() }
            pending += piece
        }
        for character in text {
            let piece = Array(String(character).utf8)
            if wordOverhead + encodedLength(piece) <= (pending.isEmpty ? capacity : 75) {
                add(piece)
            } else {
                // A cluster too long for one word (many combining marks): split between scalars.
                for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        flush()
        return words
    }

    private static func qEncodedLength(_ b: UInt8) -> Int { (HeaderText.isQLiteral(b) || b == 0x20) ? 1 : 3 }

    private static func qWord(_ bytes: [UInt8]) -> String {
        var s = "=?UTF-8?Q?"
        for b in bytes {
            if b == 0x20 {
                s += "_"
            } else if HeaderText.isQLiteral(b) {
                s.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                s += "=" + Hex.byte(b)
            }
        }
        return s + "?="
    }

    private static func bWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}

enum Hex {
    private static let digits = Array("0123456789ABCDEF".unicodeScalars)

    static func byte(_ b: UInt8) -> String {
        var s = ""
        s.unicodeScalars.append(digits[Int(b >> 4)])
        s.unicodeScalars.append(digits[Int(b & 0x0F)])
        return s
    }
}
