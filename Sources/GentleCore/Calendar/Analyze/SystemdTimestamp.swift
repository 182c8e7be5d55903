/// systemd's `parse_timestamp`: `@EPOCH`, `now`, `today`, `+5min`, `2h ago`,
/// `2024-03-31 02:30:00`, `Mon 12:00`, `… UTC`, `… Europe/Berlin`. Used for `--base-time`
/// and to tell users "this is a timestamp, not a calendar expression".
public enum SystemdTimestamp {
    /// Microseconds since the epoch, or nil when systemd would reject the text.
    ///
    /// systemd 252 hands a timestamp that ends in a time zone name (other than `UTC`) to a
    /// child process and never gets an answer back: it rejects `… Europe/London`, and even
    /// `… CET` or `… EST` where those abbreviations are also zone file names. So does this.
    public static func parse(_ text: String, now: Int64, localZone: ZoneRules) -> Int64? {
        if let space = text.lastIndex(of: " ") {
            let name = String(text[text.index(after: space)...])
            if ZoneDirectory.zone(named: name) != nil, CalendarParser.suffixStart(Array(text.utf8), " UTC") == nil {
                return nil
            }
        }
        return parse(Array(text.utf8), now: now, zone: localZone)
    }

    private static let weekdayNames: [(String, Int)] = [
        ("sunday", 0), ("sun", 0), ("monday", 1), ("mon", 1), ("tuesday", 2), ("tue", 2), ("wednesday", 3),
        ("wed", 3), ("thursday", 4), ("thu", 4), ("friday", 5), ("fri", 5), ("saturday", 6), ("sat", 6),
    ]

    private static func parse(_ input: [UInt8], now: Int64, zone: ZoneRules) -> Int64? {
        var t = input
        var utc = false
        var dst = -1
        let text = String(decoding: t, as: UTF8.self)
        if t.first == UInt8(ascii: "@") { return SystemdTimespan.parse(String(text.dropFirst())) }
        if text == "now" { return finish(now, plus: 0, minus: 0) }
        if t.first == UInt8(ascii: "+") {
            guard let span = SystemdTimespan.parse(String(text.dropFirst())) else { return nil }
            return finish(now, plus: span, minus: 0)
        }
        if t.first == UInt8(ascii: "-") {
            guard let span = SystemdTimespan.parse(String(text.dropFirst())) else { return nil }
            return finish(now, plus: 0, minus: span)
        }
        if text.hasSuffix(" ago") {
            guard let span = SystemdTimespan.parse(String(text.dropLast(4))) else { return nil }
            return finish(now, plus: 0, minus: span)
        }
        if text.hasSuffix(" left") {
            guard let span = SystemdTimespan.parse(String(text.dropLast(5))) else { return nil }
            return finish(now, plus: span, minus: 0)
        }
        if let cut = CalendarParser.suffixStart(t, " UTC") {
            utc = true
            t.removeSubrange(cut...)
        } else {
            for (j, name) in [zone.standardAbbreviation, zone.daylightAbbreviation].enumerated() where !name.isEmpty {
                guard let start = CalendarParser.suffixStart(t, name), start > 0, t[start - 1] == UInt8(ascii: " ")
                else { continue }
                t.removeSubrange((start - 1)...)
                dst = j
                break
            }
        }
        let nowSeconds = Int(now / 1_000_000)
        var tm = utc ? BrokenDownTime(epochSeconds: nowSeconds, offset: 0) : zone.breakDown(nowSeconds)
        tm.isDST = dst
        var micro = 0
        let rest = String(decoding: t, as: UTF8.self)
        switch rest {
        case "today":
            tm.hour = 0; tm.minute = 0; tm.second = 0
        case "yesterday":
            tm.day -= 1; tm.hour = 0; tm.minute = 0; tm.second = 0
        case "tomorrow":
            tm.day += 1; tm.hour = 0; tm.minute = 0; tm.second = 0
        default:
            var body = t
            var weekday = -1
            let lower = body.map(CalendarParser.lowercased)
            for (name, number) in weekdayNames {
                let n = Array(name.utf8)
                if lower.count > n.count, Array(lower[0..<n.count]) == n, body[n.count] == UInt8(ascii: " ") {
                    weekday = number
                    body.removeFirst(n.count + 1)
                    break
                }
            }
            guard let parsed = TimestampScanner.fields(body, base: tm) else { return nil }
            tm = parsed.tm
            micro = parsed.microsecond
            if weekday >= 0 && tm.weekday != weekday { return nil }
        }
        var clock = GlibcMktimeClock(zone: utc ? ZoneRules.utc : zone, offsetGuess: 0)
        guard let x = clock.makeTime(&tm), x >= 0 else { return nil }
        let value = Int64(x) * 1_000_000 + Int64(micro)
        guard value <= CalendarSpec.latestFormattableMicroseconds else { return nil }
        return finish(value, plus: 0, minus: 0)
    }

    private static func finish(_ value: Int64, plus: Int64, minus: Int64) -> Int64? {
        let (sum, overflow) = value.addingReportingOverflow(plus)
        guard !overflow, sum <= CalendarSpec.latestFormattableMicroseconds, sum >= minus else { return nil }
        return sum - minus
    }
}

/// The `strptime` formats `parse_timestamp` tries, in its order, with glibc's number rules.
private enum TimestampScanner {
    struct Parsed {
        var tm: BrokenDownTime
        var microsecond: Int
    }

    private static let formats = ["%y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%b %d %H:%M:%S", "%y-%m-%d %H:%M",
                                  "%Y-%m-%d %H:%M", "%y-%m-%d", "%Y-%m-%d", "%H:%M:%S", "%H:%M"]
    private static let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                                 "september", "october", "november", "december"]

    static func fields(_ input: [UInt8], base: BrokenDownTime) -> Parsed? {
        for format in formats {
            guard let scanned = scan(input, format: Array(format.utf8), base: base) else { continue }
            var tm = scanned.0
            let rest = scanned.1
            let dated = scanned.2
            let hasSeconds = format.hasSuffix("%S")
            if !hasSeconds { tm.second = 0 }
            if !format.contains("%H") { tm.hour = 0; tm.minute = 0; tm.second = 0 }
            if dated { tm.weekday = weekdayOf(tm) }
            if rest == input.count { return Parsed(tm: tm, microsecond: 0) }
            if hasSeconds, input[rest] == UInt8(ascii: ".") {
                guard let micro = fraction(input, from: rest + 1) else { return nil }
                return Parsed(tm: tm, microsecond: micro)
            }
        }
        return nil
    }

    private static func weekdayOf(_ tm: BrokenDownTime) -> Int {
        let (year, yday) = Civil.yearAndYearDay(of: tm)
        let days = Civil.days(year: year + 1900, month: 1, day: 1) + yday
        return Civil.weekday(days: days)
    }

    private static func fraction(_ b: [UInt8], from start: Int) -> Int? {
        var value = 0
        var i = start
        var digits = 0
        while digits < 6 {
            guard i < b.count, b[i] >= 48, b[i] <= 57 else {
                if digits == 0 { return nil }
                while digits < 6 { value *= 10; digits += 1 }
                break
            }
            value = value * 10 + Int(b[i] - 48)
            i += 1
            digits += 1
        }
        if i < b.count, b[i] >= 53, b[i] <= 57 { value += 1 }
        while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
        return i == b.count ? value : nil
    }

    private static func scan(_ b: [UInt8], format: [UInt8], base: BrokenDownTime) -> (BrokenDownTime, Int, Bool)? {
        var tm = base
        var i = 0
        var f = 0
        var dated = false
        func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }
        func number(_ low: Int, _ high: Int, _ width: Int) -> Int? {
            while i < b.count, isSpace(b[i]) { i += 1 }
            guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
            var value = 0
            var n = width
            repeat {
                value = value * 10 + Int(b[i] - 48)
                i += 1
                n -= 1
            } while n > 0 && value * 10 <= high && i < b.count && b[i] >= 48 && b[i] <= 57
            return value >= low && value <= high ? value : nil
        }
        while f < format.count {
            let c = format[f]
            if isSpace(c) {
                while i < b.count, isSpace(b[i]) { i += 1 }
                f += 1
                continue
            }
            guard c == UInt8(ascii: "%"), f + 1 < format.count else {
                guard i < b.count, b[i] == c else { return nil }
                i += 1
                f += 1
                continue
            }
            switch format[f + 1] {
            case UInt8(ascii: "y"):
                guard let v = number(0, 99, 2) else { return nil }
                tm.year = v >= 69 ? v : v + 100
                dated = true
            case UInt8(ascii: "Y"):
                guard let v = number(0, 9999, 4) else { return nil }
                tm.year = v - 1900
                dated = true
            case UInt8(ascii: "m"):
                guard let v = number(1, 12, 2) else { return nil }
                tm.month = v - 1
                dated = true
            case UInt8(ascii: "d"):
                guard let v = number(1, 31, 2) else { return nil }
                tm.day = v
                dated = true
            case UInt8(ascii: "H"):
                guard let v = number(0, 23, 2) else { return nil }
                tm.hour = v
            case UInt8(ascii: "M"):
                guard let v = number(0, 59, 2) else { return nil }
                tm.minute = v
            case UInt8(ascii: "S"):
                guard let v = number(0, 61, 2) else { return nil }
                tm.second = v
            case UInt8(ascii: "b"):
                let lower = b[i...].map(CalendarParser.lowercased)
                var matched = false
                for (index, name) in months.enumerated() {
                    for candidate in [Array(name.utf8), Array(name.utf8.prefix(3))]
                    where lower.count >= candidate.count && Array(lower[0..<candidate.count]) == candidate {
                        tm.month = index
                        i += candidate.count
                        matched = true
                        break
                    }
                    if matched { break }
                }
                guard matched else { return nil }
                dated = true
            default:
                return nil
            }
            f += 2
        }
        return (tm, i, dated)
    }
}
