/// One mailbox from the config: `parent@example.org` or `Ada Lovelace <ada@example.org>`.
/// The address itself must be plain ASCII (gentle does not speak SMTPUTF8); the display name
/// may be anything printable and is encoded when it is written into a header.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public var displayName: String?
    /// `local@domain`, what goes into `MAIL FROM` / `RCPT TO`.
    public var address: String

    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// Parses the config value of `field` (`"to"`, `"from"`), or says what is wrong with it.
    public init(parsing text: String, field: String) throws {
        if text.unicodeScalars.contains(where: HeaderText.isControl) {
            throw EmailError.headerHasControlCharacter(field: field)
        }
        let trimmed = text.trimmingCharactersInSpaces()
        var name: String?
        var spec = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            spec = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var phrase = String(trimmed[..<open]).trimmingCharactersInSpaces()
            if phrase.count >= 2, phrase.hasPrefix("\""), phrase.hasSuffix("\"") {
                phrase = String(phrase.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            name = phrase.isEmpty ? nil : phrase
        }
        if let problem = EmailAddress.problem(withAddress: spec) {
            throw EmailError.invalidAddress(field: field, value: text, reason: problem)
        }
        self.init(displayName: name, address: spec)
    }

    /// Why `spec` is not a plain `local@domain` address, or nil when it is one.
    static func problem(withAddress spec: String) -> String? {
        if spec.isEmpty { return "it is empty" }
        if !spec.unicodeScalars.allSatisfy(\.isASCII) {
            return "non-ASCII addresses are not supported"
        }
        guard let at = spec.lastIndex(of: "@") else { return "there is no @" }
        let local = spec[..<at]
        let domain = spec[spec.index(after: at)...]
        if local.isEmpty || local.utf8.count > 64 { return "the part before @ must have 1 to 64 characters" }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..")
            || !local.unicodeScalars.allSatisfy({ HeaderText.isAtext($0) || $0 == "." }) {
            return "the part before @ may use letters, digits, dots and !#$%&'*+-/=?^_`{|}~"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelsOK = !domain.isEmpty && domain.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "-" }
        }
        if !labelsOK { return "the part after @ must be a host name such as example.org" }
        return nil
    }

    public var description: String {
        guard let displayName else { return address }
        return "\(displayName) <\(address)>"
    }
}

/// Character classes from RFC 5322 and RFC 2047 used when writing headers.
enum HeaderText {
    /// C0 controls (including CR, LF and TAB) and DEL: never allowed in a header value we write.
    static func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || s.value == 0x7F || (0x80..<0xA0).contains(s.value) }

    /// RFC 5322 `atext`.
    static func isAtext(_ s: Unicode.Scalar) -> Bool {
        guard s.isASCII else { return false }
        if ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) { return true }
        return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(s)
    }

    /// Bytes RFC 2047 allows literally inside a Q-encoded word in any header context
    /// (the `phrase` subset, which is also safe in unstructured text).
    static func isQLiteral(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == 0x21 || b == 0x2A || b == 0x2B || b == 0x2D || b == 0x2F
    }
}
