/// Why an email could not be composed or how its settings are unusable. Messages name the
/// setting and say what to do; they never contain a password.
public enum EmailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A header value (from the config or a check-in) carries CR, LF or another control character,
    /// which could inject headers.
    case headerHasControlCharacter(field: String)
    /// `to` / `from` is not a single address such as `parent@example.org` or `Ada <ada@example.org>`.
    case invalidAddress(field: String, value: String, reason: String)
    /// The smtp transport settings cannot work; `reason` says which and how to fix it.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .headerHasControlCharacter(let field):
            return "email \(field) contains a line break or control character; remove it (it could forge mail headers)"
        case let .invalidAddress(field, value, reason):
            return "email.\(field) = \"\(value)\" is not a usable address (\(reason)); write it like \"parent@example.org\" or \"Ada <parent@example.org>\""
        case .invalidSettings(let reason):
            return reason
        }
    }
}
