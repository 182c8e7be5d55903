/// A POSIX `TZ` rule string such as `CET-1CEST,M3.5.0,M10.5.0/3`: the footer of a TZif file, or
/// a `TZ` value that names no file. Parsed and evaluated the way glibc's tzset.c does, including
/// its defaults and its habit of picking the rule year from the UTC date.
struct PosixTimeZone: Sendable, Equatable {
    enum DateKind: Sendable, Equatable {
        /// `Jn`: day 1–365, February 29 never counted.
        case julianSkippingLeapDay
        /// `n`: day 0–365, February 29 counted.
        case zeroBasedDay
        /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
        case monthWeekDay
    }

    struct Rule: Sendable, Equatable {
        var name: String = ""
        var kind: DateKind = .zeroBasedDay
        var month = 0
        var week = 0
        var day = 0
        /// Local time of day of the change, seconds (may be negative or beyond 24h).
        var secondOfDay = 0
        /// Seconds east of UTC while this rule is in force.
        var offset = 0
    }

    /// `rules[0]` is standard time (its date is when DST starts), `rules[1]` daylight time.
    var rules: [Rule] = [Rule(), Rule()]

    var standardName: String { rules[0].name }
    var daylightName: String { rules[1].name }
    var hasDaylightTime: Bool { rules[0].offset != rules[1].offset }

    /// A zone without daylight time.
    init(fixedOffset offset: Int, name: String) {
        rules[0].name = name
        rules[0].offset = offset
        rules[1] = rules[0]
    }

    /// Parses like glibc's `__tzset_parse_tz`: whatever prefix parses is kept, the rest ignored.
    /// Returns nil only when not even a standard-time name is present.
    init?(parsing text: String) {
        var scanner = PosixScanner(Array(text.utf8))
        guard let standard = scanner.zoneName() else { return nil }
        rules[0].name = standard
        rules[1].name = ""
        guard scanner.offset(into: &rules, index: 0) else { rules[0].offset = 0; return }
        if scanner.atEnd {
            rules[1].name = rules[0].name
            rules[1].offset = rules[0].offset
            return
        }
        if let daylight = scanner.zoneName() {
            rules[1].name = daylight
            _ = scanner.offset(into: &rules, index: 1)
        }
        if scanner.rule(into: &rules, index: 0) { _ = scanner.rule(into: &rules, index: 1) }
    }

    /// The UTC instant at which `rule` takes effect in `year` (glibc `compute_change`).
    static func changeInstant(_ rule: Rule, year: Int) -> Int {
        var t = 0
        if year > 1970 {
            t = ((year - 1970) * 365 + (year - 1) / 4 - 1970 / 4 - ((year - 1) / 100 - 1970 / 100)
                + ((year - 1) / 400 - 1970 / 400)) * 86_400
        }
        let leap = Civil.isLeap(year)
        switch rule.kind {
        case .julianSkippingLeapDay:
            t += (rule.day - 1) * 86_400
            if rule.day >= 60 && leap { t += 86_400 }
        case .zeroBasedDay:
            t += rule.day * 86_400
        case .monthWeekDay:
            t += Civil.daysBeforeMonth(rule.month - 1, leap: leap) * 86_400
            let firstWeekday = Civil.weekday(days: Civil.days(year: year, month: rule.month, day: 1))
            var d = rule.day - firstWeekday
            if d < 0 { d += 7 }
            let monthLength = Civil.daysBeforeMonth(rule.month, leap: leap) - Civil.daysBeforeMonth(rule.month - 1, leap: leap)
            var i = 1
            while i < rule.week {
                if d + 7 >= monthLength { break }
                d += 7
                i += 1
            }
            t += d * 86_400
        }
        return t - rule.offset + rule.secondOfDay
    }

    /// Whether daylight time applies at `seconds` (glibc `__tz_compute`; the rule year is the
    /// UTC year of the instant).
    func isDaylight(atEpochSeconds seconds: Int) -> Bool {
        let days = Civil.floorDiv(seconds, 86_400)
        let year = Civil.date(fromDays: days).year
        return isDaylight(atEpochSeconds: seconds, ruleYear: year)
    }

    func isDaylight(atEpochSeconds seconds: Int, ruleYear year: Int) -> Bool {
        let start = PosixTimeZone.changeInstant(rules[0], year: year)
        let end = PosixTimeZone.changeInstant(rules[1], year: year)
        if start > end { return seconds < end || seconds >= start }
        return seconds >= start && seconds < end
    }
}

/// Byte scanner for POSIX TZ strings, mirroring glibc's sscanf-based pieces.
private struct PosixScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    func peek(_ ahead: Int = 0) -> UInt8? { index + ahead < bytes.count ? bytes[index + ahead] : nil }

    static func isAlpha(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    mutating func zoneName() -> String? {
        var end = index
        while end < bytes.count, PosixScanner.isAlpha(bytes[end]) { end += 1 }
        if end - index >= 3 {
            defer { index = end }
            return String(decoding: bytes[index..<end], as: UTF8.self)
        }
        guard peek() == UInt8(ascii: "<") else { return nil }
        var p = index + 1
        let start = p
        while p < bytes.count, PosixScanner.isAlpha(bytes[p]) || PosixScanner.isDigit(bytes[p])
                || bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
        guard p < bytes.count, bytes[p] == UInt8(ascii: ">"), p - start >= 3 else { return nil }
        index = p + 1
        return String(decoding: bytes[start..<p], as: UTF8.self)
    }

    /// `%hu%n:%hu%n:%hu%n`: up to three colon-separated numbers; nil when the first is missing.
    mutating func clockValue() -> (h: Int, m: Int, s: Int)? {
        func number(_ p: inout Int) -> Int? {
            var q = p
            while q < bytes.count, bytes[q] == UInt8(ascii: " ") || bytes[q] == UInt8(ascii: "\t") { q += 1 }
            if q < bytes.count, bytes[q] == UInt8(ascii: "+") { q += 1 }
            let start = q
            var v = 0
            while q < bytes.count, PosixScanner.isDigit(bytes[q]) { v = (v * 10 + Int(bytes[q] - 48)) & 0xFFFF; q += 1 }
            guard q > start else { return nil }
            p = q
            return v
        }
        var p = index
        guard let h = number(&p) else { return nil }
        index = p
        var m = 0, s = 0
        if peek() == UInt8(ascii: ":") {
            var q = index + 1
            if let mm = number(&q) {
                m = mm
                index = q
                if peek() == UInt8(ascii: ":") {
                    var r = index + 1
                    if let ss = number(&r) { s = ss; index = r }
                }
            }
        }
        return (h, m, s)
    }

    mutating func offset(into rules: inout [PosixTimeZone.Rule], index which: Int) -> Bool {
        let c = peek()
        if which == 0 {
            guard let c, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || PosixScanner.isDigit(c) else { return false }
        }
        var sign = -1
        if let c, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            sign = c == UInt8(ascii: "-") ? 1 : -1
            index += 1
        }
        if let (h, m, s) = clockValue() {
            rules[which].offset = sign * (min(s, 59) + min(m, 59) * 60 + min(h, 24) * 3600)
        } else if which == 0 {
            return false
        } else {
            rules[1].offset = rules[0].offset + 3600
        }
        return true
    }

    mutating func rule(into rules: inout [PosixTimeZone.Rule], index which: Int) -> Bool {
        if peek() == UInt8(ascii: ",") { index += 1 }
        var rule = rules[which]
        guard let c = peek() else {
            // glibc's default: the US rules since 2007.
            rule.kind = .monthWeekDay
            (rule.month, rule.week, rule.day) = which == 0 ? (3, 2, 0) : (11, 1, 0)
            rule.secondOfDay = 7200
            rules[which] = rule
            return true
        }
        if c == UInt8(ascii: "J") || PosixScanner.isDigit(c) {
            rule.kind = c == UInt8(ascii: "J") ? .julianSkippingLeapDay : .zeroBasedDay
            if c == UInt8(ascii: "J") {
                index += 1
                guard let d = peek(), PosixScanner.isDigit(d) else { return false }
            }
            var v = 0
            let start = index
            while let d = peek(), PosixScanner.isDigit(d) { v = min(v * 10 + Int(d - 48), 1_000_000); index += 1 }
            guard index > start, v <= 365, !(rule.kind == .julianSkippingLeapDay && v == 0) else { return false }
            rule.day = v
        } else if c == UInt8(ascii: "M") {
            index += 1
            var parts: [Int] = []
            while parts.count < 3 {
                if !parts.isEmpty { guard peek() == UInt8(ascii: ".") else { return false }; index += 1 }
                let start = index
                var v = 0
                while let d = peek(), PosixScanner.isDigit(d) { v = min(v * 10 + Int(d - 48), 100_000); index += 1 }
                guard index > start else { return false }
                parts.append(v)
            }
            guard (1...12).contains(parts[0]), (1...5).contains(parts[1]), parts[2] <= 6 else { return false }
            rule.kind = .monthWeekDay
            (rule.month, rule.week, rule.day) = (parts[0], parts[1], parts[2])
        } else {
            return false
        }
        if let c = peek(), c != UInt8(ascii: "/"), c != UInt8(ascii: ",") { return false }
        if peek() == UInt8(ascii: "/") {
            index += 1
            guard !atEnd else { return false }
            let negative = peek() == UInt8(ascii: "-")
            if negative { index += 1 }
            let (h, m, s) = clockValue() ?? (2, 0, 0)
            rule.secondOfDay = (negative ? -1 : 1) * (h * 3600 + m * 60 + s)
        } else {
            rule.secondOfDay = 7200
        }
        rules[which] = rule
        return true
    }
}
