/// A parsed, normalized calendar expression: the fields systemd's `CalendarSpec` holds.
struct CalendarPattern: Hashable, Sendable {
    /// Bit 0 Monday … bit 6 Sunday; -1 when any weekday will do.
    var weekdayBits = -1
    var year: CalendarChain?
    var month: CalendarChain?
    var day: CalendarChain?
    var hour: CalendarChain?
    var minute: CalendarChain?
    var microsecond: CalendarChain?
    /// `~` between month and day: days count back from the month's last day.
    var endOfMonth = false
    /// Ends in ` UTC`: computed with `timegm`.
    var utc = false
    /// Ends in the local zone's standard (0) or daylight (1) abbreviation; -1 otherwise.
    var dst = -1
    /// The abbreviation the expression ended with, when `dst` is set.
    var dstAbbreviation: String?
    /// Ends in a tz database zone name: computed in that zone.
    var timezone: String?

    static let allWeekdays = 127
    static let minYear = 1970
    static let maxYear = 2199

    /// systemd's `calendar_spec_normalize` followed by `calendar_spec_valid`.
    mutating func normalizeAndValidate() -> Bool {
        if timezone == "UTC" {
            utc = true
            timezone = nil
        }
        if weekdayBits <= 0 || weekdayBits >= CalendarPattern.allWeekdays { weekdayBits = -1 }
        if endOfMonth && day == nil { endOfMonth = false }
        year = CalendarChains.normalize(CalendarChains.expandTwoDigitYears(year))
        month = CalendarChains.normalize(month)
        day = CalendarChains.normalize(day)
        hour = CalendarChains.normalize(hour)
        minute = CalendarChains.normalize(minute)
        microsecond = CalendarChains.normalize(microsecond)

        return CalendarChains.isValid(year, from: CalendarPattern.minYear, to: CalendarPattern.maxYear)
            && CalendarChains.isValid(month, from: 1, to: 12)
            && CalendarChains.isValid(day, from: 1, to: 31, endOfMonth: endOfMonth)
            && CalendarChains.isValid(hour, from: 0, to: 23)
            && CalendarChains.isValid(minute, from: 0, to: 59)
            && CalendarChains.isValid(microsecond, from: 0, to: 60 * CalendarChains.microsecondsPerSecond - 1)
    }
}
