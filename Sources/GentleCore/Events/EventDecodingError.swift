/// Why one line of the event log could not be read as a record.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Category: Sendable, Equatable {
        /// Not a JSON object at all, or cut short: what a crash mid-write leaves behind.
        case syntax
        /// Bytes that are not UTF-8 inside a string.
        case encoding
        /// Well-formed JSON, but a field gentle knows has the wrong type or an unreadable value,
        /// or a required field (`kind`, `at`) is missing.
        case invalidField
        /// Longer than the reader accepts for one line.
        case tooLong
    }

    public var category: Category
    /// 1-based byte position in the line where reading stopped.
    public var column: Int
    public var message: String

    public init(_ category: Category, column: Int, _ message: String) {
        self.category = category
        self.column = column
        self.message = message
    }

    /// True when the line is not even well-formed JSON (the signature of a torn write).
    public var isSyntaxError: Bool { category == .syntax || category == .encoding || category == .tooLong }

    public var description: String { "column \(column): \(message)" }
}
