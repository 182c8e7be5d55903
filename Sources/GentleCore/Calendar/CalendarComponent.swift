/// One comma-separated item of a calendar field: a value (`5`), a range (`9..17`), a repetition
/// (`0/15`) or a repeated range (`9..17/2`). Seconds are held in microseconds.
struct CalendarComponent: Hashable, Sendable, Comparable {
    var start: Int
    /// Last value of a range, or -1 for none.
    var stop: Int
    /// Step of a repetition, or 0 for none. A range without `/` repeats every unit.
    var step: Int

    static func value(_ v: Int) -> CalendarComponent { CalendarComponent(start: v, stop: -1, step: 0) }

    static func < (a: CalendarComponent, b: CalendarComponent) -> Bool {
        (a.start, a.stop, a.step) < (b.start, b.stop, b.step)
    }
}

/// A whole field: nil is `*` (any value) for every field but the seconds, where `*` is the
/// repetition `0/1` in microseconds.
typealias CalendarChain = [CalendarComponent]

enum CalendarChains {
    static let microsecondsPerSecond = 1_000_000
    static let anySecond: CalendarChain = [CalendarComponent(start: 0, stop: -1, step: microsecondsPerSecond)]

    /// systemd's `normalize_chain`: trims a range to a whole number of steps, turns ranges that
    /// cannot repeat into plain values, sorts and drops duplicates.
    static func normalize(_ chain: CalendarChain?) -> CalendarChain? {
        guard var chain else { return nil }
        for i in chain.indices {
            var c = chain[i]
            if c.stop > c.start && c.step > 0 { c.stop -= (c.stop - c.start) % c.step }
            if (c.stop > c.start && c.step > 0 && c.start + c.step > c.stop) || c.start == c.stop {
                c.step = 0
                c.stop = -1
            }
            chain[i] = c
        }
        chain.sort()
        var unique: CalendarChain = []
        unique.reserveCapacity(chain.count)
        for c in chain where unique.last != c { unique.append(c) }
        return unique
    }

    /// systemd's `chain_valid`: every item within `[from, to]` and able to fire at least once.
    /// Days counted from the month's end may reach back only 28 days, and (a systemd quirk
    /// kept on purpose) that limit shrinks by another 3 for each further item of the list:
    /// `*-*~28` is valid, `*-*~25,28` is not.
    static func isValid(_ chain: CalendarChain?, from: Int, to upper: Int, endOfMonth: Bool = false) -> Bool {
        guard let chain else { return true }
        var to = upper
        for c in chain {
            if endOfMonth { to -= 3 }
            guard c.start >= from, c.start <= to, c.step <= to - from else { return false }
            if c.stop >= 0 {
                guard c.stop >= from, c.stop <= to, c.start + c.step <= c.stop else { return false }
            } else if endOfMonth {
                guard c.start - c.step >= from else { return false }
            } else {
                guard c.start + c.step <= to else { return false }
            }
        }
        return true
    }

    /// Two-year forms: 0–69 mean 2000–2069, 70–99 mean 1970–1999.
    static func expandTwoDigitYears(_ chain: CalendarChain?) -> CalendarChain? {
        chain.map { items in
            items.map { c in
                var c = c
                if c.start >= 0 && c.start < 70 { c.start += 2000 } else if c.start >= 70 && c.start < 100 { c.start += 1900 }
                if c.stop >= 0 && c.stop < 70 { c.stop += 2000 } else if c.stop >= 70 && c.stop < 100 { c.stop += 1900 }
                return c
            }
        }
    }

    /// The earliest value at or after `value` that the chain allows (systemd's
    /// `find_matching_component`): 1 when it moved, 0 when `value` already matched, -1 when
    /// nothing is left.
    static func advance(_ chain: CalendarChain?, _ value: inout Int) -> Int {
        guard let chain else { return 0 }
        var best = 0
        var found = false
        for c in chain {
            if c.start >= value {
                if !found || c.start < best { best = c.start; found = true }
            } else if c.step > 0 {
                let k = c.start + c.step * ((value - c.start + c.step - 1) / c.step)
                if (!found || k < best) && (c.stop < 0 || k <= c.stop) { best = k; found = true }
            }
        }
        guard found else { return -1 }
        defer { value = best }
        return value != best ? 1 : 0
    }
}
