/// Parses `OnCalendar=` syntax with the grammar and the leniencies of systemd 252's
/// `calendar_spec_from_string`: `[WEEKDAYS] [DATE] [TIME] [ZONE]`, the shorthands, and `@EPOCH`.
struct CalendarParser {
    typealias Failure = CalendarParseFailure

    /// Splits off a zone suffix, then parses the rest. `localZone` supplies the abbreviations
    /// (`CET`, `CEST`) that mean "local standard / daylight time".
    static func parse(_ text: String, localZone: ZoneRules) throws(Failure) -> CalendarPattern {
        var pattern = CalendarPattern()
        var body = Array(text.utf8)
        if let cut = suffixStart(body, " UTC") {
            pattern.utc = true
            body.removeSubrange(cut...)
        } else if let (cut, dst, name) = localAbbreviationSuffix(body, zone: localZone) {
            pattern.dst = dst
            pattern.dstAbbreviation = name
            body.removeSubrange(cut...)
        } else if let space = body.lastIndex(of: UInt8(ascii: " ")) {
            let name = String(decoding: body[(space + 1)...], as: UTF8.self)
            if ZoneDirectory.zone(named: name) != nil {
                pattern.timezone = name
                body.removeSubrange(space...)
            }
        }
        guard !body.isEmpty else { throw .invalidArgument }

        if !applyShorthand(body, to: &pattern) {
            var parser = CalendarParser(body)
            try parser.weekdays(into: &pattern)
            if try !parser.date(into: &pattern) { try parser.time(into: &pattern) }
            guard parser.atEnd else { throw .invalidArgument }
        }
        guard pattern.normalizeAndValidate() else { throw .invalidArgument }
        return pattern
    }

    // MARK: - Zone suffixes

    /// Where a case-insensitive `suffix` starts in `bytes`, if `bytes` ends with it.
    static func suffixStart(_ bytes: [UInt8], _ suffix: String) -> Int? {
        let s = Array(suffix.utf8)
        guard !s.isEmpty, bytes.count >= s.count else { return nil }
        let start = bytes.count - s.count
        for i in 0..<s.count where lowercased(bytes[start + i]) != lowercased(s[i]) { return nil }
        return start
    }

    private static func localAbbreviationSuffix(_ bytes: [UInt8], zone: ZoneRules) -> (Int, Int, String)? {
        for (dst, name) in [zone.standardAbbreviation, zone.daylightAbbreviation].enumerated() where !name.isEmpty {
            guard let start = suffixStart(bytes, name), start > 0, bytes[start - 1] == UInt8(ascii: " ") else { continue }
            return (start - 1, dst, name)
        }
        return nil
    }

    @inline(__always) static func lowercased(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

    // MARK: - Shorthands

    private static let shorthands: [(names: [String], apply: @Sendable (inout CalendarPattern) -> Void)] = [
        (["minutely"], { _ in }),
        (["hourly"], { $0.minute = [.value(0)] }),
        (["daily"], { $0.minute = [.value(0)]; $0.hour = [.value(0)] }),
        (["monthly"], { $0.minute = [.value(0)]; $0.hour = [.value(0)]; $0.day = [.value(1)] }),
        (["annually", "yearly", "anually"], {
            $0.minute = [.value(0)]; $0.hour = [.value(0)]; $0.day = [.value(1)]; $0.month = [.value(1)]
        }),
        (["weekly"], { $0.weekdayBits = 1; $0.minute = [.value(0)]; $0.hour = [.value(0)] }),
        (["quarterly"], {
            $0.minute = [.value(0)]; $0.hour = [.value(0)]; $0.day = [.value(1)]
            $0.month = [.value(10), .value(7), .value(4), .value(1)]
        }),
        (["biannually", "bi-annually", "semiannually", "semi-annually"], {
            $0.minute = [.value(0)]; $0.hour = [.value(0)]; $0.day = [.value(1)]; $0.month = [.value(7), .value(1)]
        }),
    ]

    private static func applyShorthand(_ body: [UInt8], to pattern: inout CalendarPattern) -> Bool {
        let lower = String(decoding: body.map(lowercased), as: UTF8.self)
        guard let entry = shorthands.first(where: { $0.names.contains(lower) }) else { return false }
        pattern.microsecond = [.value(0)]
        entry.apply(&pattern)
        return true
    }

    // MARK: - Cursor

    let bytes: [UInt8]
    var index = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    func peek(_ ahead: Int = 0) -> UInt8 { index + ahead < bytes.count ? bytes[index + ahead] : 0 }
    mutating func skipSpaces() { while peek() == UInt8(ascii: " ") { index += 1 } }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    // MARK: - Weekdays

    private static let weekdayNames: [(name: [UInt8], number: Int)] = [
        ("monday", 0), ("mon", 0), ("tuesday", 1), ("tue", 1), ("wednesday", 2), ("wed", 2),
        ("thursday", 3), ("thu", 3), ("friday", 4), ("fri", 4), ("saturday", 5), ("sat", 5),
        ("sunday", 6), ("sun", 6),
    ].map { (Array($0.0.utf8), $0.1) }

    private func weekdayName() -> (length: Int, number: Int)? {
        for entry in CalendarParser.weekdayNames where index + entry.name.count <= bytes.count {
            var matches = true
            for (i, c) in entry.name.enumerated() where CalendarParser.lowercased(bytes[index + i]) != c {
                matches = false
                break
            }
            if matches { return (entry.name.count, entry.number) }
        }
        return nil
    }

    /// `Mon..Fri`, `Sat,Sun`, `Mon-Wed` (old range syntax); a trailing comma is tolerated.
    private mutating func weekdays(into pattern: inout CalendarPattern) throws(Failure) {
        var rangeStart = -1
        var first = true
        var bits = 0
        defer { if bits != 0 { pattern.weekdayBits = max(pattern.weekdayBits, 0) | bits } }
        while true {
            guard let (length, number) = weekdayName() else {
                if first { return }
                throw .invalidArgument
            }
            let after = peek(length)
            guard after == 0 || after == UInt8(ascii: "-") || after == UInt8(ascii: ".") || after == UInt8(ascii: ",")
                    || after == UInt8(ascii: " ") else { throw .invalidArgument }
            bits |= 1 << number
            if rangeStart >= 0 {
                guard rangeStart <= number else { throw .invalidArgument }
                for d in (rangeStart + 1)..<max(number, rangeStart + 1) { bits |= 1 << d }
            }
            index += length
            if atEnd { return }
            if peek() == UInt8(ascii: " ") {
                skipSpaces()
                return
            }
            if peek() == UInt8(ascii: ".") {
                guard rangeStart < 0, peek(1) == UInt8(ascii: ".") else { throw .invalidArgument }
                rangeStart = number
                index += 2
            } else if peek() == UInt8(ascii: "-") {
                guard rangeStart < 0 else { throw .invalidArgument }
                rangeStart = number
                index += 1
            } else if peek() == UInt8(ascii: ",") {
                rangeStart = -1
                index += 1
            }
            if atEnd || peek() == UInt8(ascii: " ") {
                skipSpaces()
                guard rangeStart < 0 else { throw .invalidArgument }
                return
            }
            first = false
        }
    }

    // MARK: - Date

    /// Returns true when the expression was `@EPOCH` (no time part follows).
    private mutating func date(into pattern: inout CalendarPattern) throws(Failure) -> Bool {
        if atEnd { return false }
        if peek() == UInt8(ascii: "@") {
            index += 1
            try epoch(into: &pattern)
            return true
        }
        let start = index
        let first = try chain(microseconds: false)
        if atEnd || peek() == UInt8(ascii: ":") {
            index = start
            return false
        }
        if peek() == UInt8(ascii: "~") { pattern.endOfMonth = true } else if peek() != UInt8(ascii: "-") { throw .invalidArgument }
        index += 1
        let second = try chain(microseconds: false)
        if atEnd || peek() == UInt8(ascii: " ") {
            skipSpaces()
            pattern.month = first
            pattern.day = second
            return false
        }
        if pattern.endOfMonth { throw .invalidArgument }
        if peek() == UInt8(ascii: "~") { pattern.endOfMonth = true } else if peek() != UInt8(ascii: "-") { throw .invalidArgument }
        index += 1
        let third = try chain(microseconds: false)
        guard atEnd || peek() == UInt8(ascii: " ") else { throw .invalidArgument }
        skipSpaces()
        pattern.year = first
        pattern.month = second
        pattern.day = third
        return false
    }

    /// `@SECONDS`: read with `strtoul` (leading blanks and a sign pass) and broken down in UTC.
    private mutating func epoch(into pattern: inout CalendarPattern) throws(Failure) {
        let value = try unsignedLong(allowingSignAndBlanks: true)
        let seconds = Int(Int64(bitPattern: value))
        let days = Civil.floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = Civil.date(fromDays: days)
        guard y - 1900 <= Int(Int32.max) - 1900, y - 1900 >= Int(Int32.min) else { throw .outOfRange }
        pattern.utc = true
        pattern.year = [.value(y)]
        pattern.month = [.value(m)]
        pattern.day = [.value(d)]
        pattern.hour = [.value(secondOfDay / 3600)]
        pattern.minute = [.value(secondOfDay / 60 % 60)]
        pattern.microsecond = [.value(secondOfDay % 60 * CalendarChains.microsecondsPerSecond)]
    }

    // MARK: - Time

    private mutating func time(into pattern: inout CalendarPattern) throws(Failure) {
        if atEnd {
            pattern.hour = [.value(0)]
            pattern.minute = [.value(0)]
            pattern.microsecond = [.value(0)]
            return
        }
        let hour = try chain(microseconds: false)
        guard peek() == UInt8(ascii: ":") else { throw .invalidArgument }
        index += 1
        let minute = try chain(microseconds: false)
        var second: CalendarChain? = [.value(0)]
        if !atEnd {
            guard peek() == UInt8(ascii: ":") else { throw .invalidArgument }
            index += 1
            second = try chain(microseconds: true)
            guard atEnd else { throw .invalidArgument }
        }
        pattern.hour = hour
        pattern.minute = minute
        pattern.microsecond = second
    }
}
