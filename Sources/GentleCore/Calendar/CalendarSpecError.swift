/// Why an expression was rejected, named after the errno systemd reports for it.
public enum CalendarParseFailure: String, Error, Sendable, Equatable {
    /// `EINVAL`: not calendar syntax, or a value outside its field.
    case invalidArgument = "Invalid argument"
    /// `ERANGE`: a number too large, or a repetition of zero.
    case outOfRange = "Numerical result out of range"
    /// `ENOBUFS`: more than 240 comma-separated items in one field.
    case tooManyComponents = "No buffer space available"
}

public struct CalendarSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var expression: String
    /// systemd's wording of the failure (`strerror` of its errno).
    public var reason: String
    public var failure: CalendarParseFailure

    public init(expression: String, failure: CalendarParseFailure) {
        self.expression = expression
        self.failure = failure
        reason = failure.rawValue
    }

    public init(expression: String, reason: String) {
        self.expression = expression
        self.reason = reason
        failure = CalendarParseFailure(rawValue: reason) ?? .invalidArgument
    }

    /// The line `systemd-analyze calendar` prints for it.
    public var description: String { "Failed to parse calendar specification '\(expression)': \(reason)" }
}
