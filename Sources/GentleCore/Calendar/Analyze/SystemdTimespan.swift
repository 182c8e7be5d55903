/// systemd's `parse_time` / `parse_sec`: `90`, `1.5h`, `2h 30min`, `5min10s`, `infinity`.
public enum SystemdTimespan {
    public static let infinity = Int64.max

    private static let units: [(suffix: [UInt8], usec: Int64)] = [
        ("seconds", 1_000_000), ("second", 1_000_000), ("sec", 1_000_000), ("s", 1_000_000),
        ("minutes", 60_000_000), ("minute", 60_000_000), ("min", 60_000_000),
        ("months", 2_629_800_000_000), ("month", 2_629_800_000_000), ("M", 2_629_800_000_000),
        ("msec", 1000), ("ms", 1000), ("m", 60_000_000),
        ("hours", 3_600_000_000), ("hour", 3_600_000_000), ("hr", 3_600_000_000), ("h", 3_600_000_000),
        ("days", 86_400_000_000), ("day", 86_400_000_000), ("d", 86_400_000_000),
        ("weeks", 604_800_000_000), ("week", 604_800_000_000), ("w", 604_800_000_000),
        ("years", 31_557_600_000_000), ("year", 31_557_600_000_000), ("y", 31_557_600_000_000),
        ("usec", 1), ("us", 1), ("µs", 1), ("μs", 1),
    ].map { (Array($0.0.utf8), $0.1) }

    private static func isWhitespace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// Microseconds, or nil when systemd would reject the text. `defaultUnit` applies to bare
    /// numbers (systemd-analyze uses seconds).
    public static func parse(_ text: String, defaultUnit: Int64 = 1_000_000) -> Int64? {
        let b = Array(text.utf8)
        func at(_ i: Int) -> UInt8 { i < b.count ? b[i] : 0 }
        var p = 0
        while isWhitespace(at(p)) { p += 1 }
        if b.count - p >= 8, Array(b[p..<p + 8]) == Array("infinity".utf8) {
            var s = p + 8
            while isWhitespace(at(s)) { s += 1 }
            return s >= b.count ? infinity : nil
        }
        var total: Int64 = 0
        var something = false
        while true {
            while isWhitespace(at(p)) { p += 1 }
            if p >= b.count { return something ? total : nil }
            if at(p) == UInt8(ascii: "-") { return nil }
            // strtoll: optional '+', digits.
            var e = p
            if at(e) == UInt8(ascii: "+") { e += 1 }
            let digitsStart = e
            var value: Int64 = 0
            while isDigit(at(e)) {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(at(e) - 48))
                guard !o1, !o2 else { return nil }
                value = s
                e += 1
            }
            if e == digitsStart { e = p }
            let fractionAt = at(e) == UInt8(ascii: ".") ? e : -1
            if fractionAt >= 0 {
                p = e + 1
                while isDigit(at(p)) { p += 1 }
            } else if e == p {
                return nil
            } else {
                p = e
            }
            var unitStart = p
            while isWhitespace(at(unitStart)) { unitStart += 1 }
            var multiplier = defaultUnit
            var s = unitStart
            for unit in units where b.count - unitStart >= unit.suffix.count
                && Array(b[unitStart..<unitStart + unit.suffix.count]) == unit.suffix {
                multiplier = unit.usec
                s = unitStart + unit.suffix.count
                break
            }
            if s == p && p < b.count { return nil }
            p = s
            guard value < infinity / multiplier else { return nil }
            let k = value * multiplier
            guard k < infinity - total else { return nil }
            total += k
            something = true
            if fractionAt >= 0 {
                var m = multiplier / 10
                var d = fractionAt + 1
                while isDigit(at(d)) {
                    let part = Int64(at(d) - 48) * m
                    guard part < infinity - total else { return nil }
                    total += part
                    d += 1
                    m /= 10
                }
                if d == fractionAt + 1 { return nil }
            }
        }
    }
}
