import Foundation

/// A systemd `OnCalendar=` expression: parsed, normalized and evaluated with the results
/// `systemd-analyze calendar` (systemd 252, glibc, /usr/share/zoneinfo) gives.
///
///     let spec = try CalendarSpec(parsing: "Mon..Fri 9..17/2:00")
///     spec.normalized                    // "Mon..Fri *-*-* 09..17/2:00:00"
///     spec.nextElapse(after: now, defaultTimeZone: .current)
public struct CalendarSpec: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let original: String
    /// systemd's normalized form.
    public let normalized: String
    let pattern: CalendarPattern
    let plan: SearchPlan
    /// The zone named at the end of the expression, loaded once.
    let explicitZone: ZoneRules?

    /// Parses with the process's local zone (`$TZ`) deciding what `CET`-style suffixes mean.
    public init(parsing text: String) throws(CalendarSpecError) {
        try self.init(parsing: text, localZone: ZoneDirectory.localZone())
    }

    /// Parses; a suffix equal to `localZone`'s standard or daylight abbreviation pins the
    /// expression to that half of the local zone, as in systemd.
    public init(parsing text: String, localZone: ZoneRules) throws(CalendarSpecError) {
        do {
            pattern = try CalendarParser.parse(text, localZone: localZone)
        } catch {
            throw CalendarSpecError(expression: text, failure: error)
        }
        original = text
        plan = SearchPlan(pattern)
        normalized = CalendarFormatter.format(pattern)
        explicitZone = pattern.timezone.flatMap { ZoneDirectory.zone(named: $0) }
    }

    public var description: String { normalized }

    /// The zone the expression names (`Europe/Berlin`), if any; `UTC` expressions report nil
    /// and `isUTC` true.
    public var timeZoneName: String? { pattern.timezone }
    public var isUTC: Bool { pattern.utc }

    public static func == (a: CalendarSpec, b: CalendarSpec) -> Bool {
        a.original == b.original && a.pattern == b.pattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(original)
        hasher.combine(pattern)
    }

    // MARK: - Next elapse

    /// The first time strictly after `date` at which the expression elapses, or nil if it never
    /// will. The expression's own zone (`… UTC`, `… Europe/Berlin`) wins over `defaultTimeZone`.
    public func nextElapse(after date: Date, defaultTimeZone: TimeZone) -> Date? {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded(.down)
        guard micros.isFinite, micros >= 0, micros < 9.2e18 else { return nil }
        guard let next = nextElapse(afterMicroseconds: Int64(micros), zone: ZoneDirectory.rules(for: defaultTimeZone))
        else { return nil }
        return Date(timeIntervalSince1970: Double(next) / 1_000_000)
    }

    /// Microsecond-exact form: µs since the epoch in, µs since the epoch out, like systemd's
    /// `calendar_spec_next_usec`. `zone` is the local zone unless the expression names one.
    public func nextElapse(afterMicroseconds usec: Int64, zone: ZoneRules) -> Int64? {
        if case .elapse(let next) = elapse(afterMicroseconds: usec, zone: zone) { return next }
        return nil
    }

    public func nextElapse(afterMicroseconds usec: Int64, defaultTimeZone: TimeZone) -> Int64? {
        nextElapse(afterMicroseconds: usec, zone: ZoneDirectory.rules(for: defaultTimeZone))
    }

    /// What systemd's search reports, failures told apart.
    public enum Elapse: Equatable, Sendable {
        case elapse(Int64)
        /// The expression will not elapse again (`Next elapse: never`).
        case never
        /// systemd gives up after 1000 rounds ("Infinite loop in calendar calculation").
        case endlessLoop
        /// The start lies beyond year 9999, or the result before 1970.
        case outOfRange
    }

    /// systemd's `USEC_TIMESTAMP_FORMATTABLE_MAX` (9999-12-30 23:59:59.999999 UTC).
    static let latestFormattableMicroseconds: Int64 = 253_402_214_399_999_999
}
