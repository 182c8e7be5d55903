/// The values a field's chain allows, as a 128-bit set (month, day, hour, minute, whole
/// seconds). Valid chains start below 60 and step by less than 60, so from any current value
/// below 64 the next allowed value is below 128: "lowest set bit at or after v" then answers
/// systemd's `find_matching_component` exactly, without walking the chain.
struct ValueMask: Hashable, Sendable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    static let any = ValueMask(low: .max, high: .max)

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// Nil when the chain holds values the mask cannot represent exactly (or `scale` does not
    /// divide them): the caller keeps using the chain itself.
    init?(_ chain: CalendarChain?, scale: Int = 1) {
        guard let chain else { self = .any; return }
        for c in chain {
            guard c.start % scale == 0, c.step % scale == 0, c.stop < 0 || c.stop % scale == 0 else { return nil }
            let start = c.start / scale
            let step = c.step / scale
            let stop = c.stop < 0 ? Int.max : c.stop / scale
            guard start < 128 else { return nil }
            insert(start)
            if step > 0 {
                var v = start + step
                while v < 128 && v <= stop { insert(v); v += step }
            }
        }
    }

    private mutating func insert(_ v: Int) {
        if v < 64 { low |= 1 << UInt64(v) } else { high |= 1 << UInt64(v - 64) }
    }

    /// The lowest allowed value ≥ `v` (0 ≤ v < 128), or -1.
    @inline(__always) func next(atOrAfter v: Int) -> Int {
        if v < 64 {
            let bits = low & (UInt64.max << UInt64(v))
            if bits != 0 { return bits.trailingZeroBitCount }
            return high != 0 ? 64 + high.trailingZeroBitCount : -1
        }
        let bits = high & (UInt64.max << UInt64(v - 64))
        return bits != 0 ? 64 + bits.trailingZeroBitCount : -1
    }
}

/// One field of a pattern, ready for `find_matching_component`: through the mask when the
/// mask is exact and the value lies in `0..<64` (then every answer is below 128), through the
/// chain otherwise. A plain value (no references), so reading it costs no reference counting.
struct FieldMatcher: Sendable {
    let mask: ValueMask
    let usesMask: Bool

    init(_ chain: CalendarChain?, scale: Int = 1, allowMask: Bool = true) {
        let mask = allowMask ? ValueMask(chain, scale: scale) : nil
        self.mask = mask ?? ValueMask(low: 0, high: 0)
        usesMask = mask != nil
    }

    @inline(__always) func advance(_ value: inout Int, chain: @autoclosure () -> CalendarChain?) -> Int {
        if usesMask && UInt(value) < 64 {
            let next = mask.next(atOrAfter: value)
            if next < 0 { return -1 }
            let changed = next != value ? 1 : 0
            value = next
            return changed
        }
        return CalendarChains.advance(chain(), &value)
    }

    /// The same for the seconds field counted in microseconds, with a whole-seconds mask.
    @inline(__always)
    func advanceMicroseconds(_ value: inout Int, chain: @autoclosure () -> CalendarChain?) -> Int {
        if usesMask, UInt(value) < UInt(64 * CalendarChains.microsecondsPerSecond) {
            let whole = value / CalendarChains.microsecondsPerSecond
            let fraction = value - whole * CalendarChains.microsecondsPerSecond
            let next = mask.next(atOrAfter: fraction == 0 ? whole : whole + 1)
            if next < 0 { return -1 }
            let result = next * CalendarChains.microsecondsPerSecond
            let changed = result != value ? 1 : 0
            value = result
            return changed
        }
        return CalendarChains.advance(chain(), &value)
    }
}

/// A pattern prepared for repeated searching. A class so a search holds it with one reference.
final class SearchPlan: Sendable {
    let year: CalendarChain?
    let monthChain: CalendarChain?
    let dayChain: CalendarChain?
    let hourChain: CalendarChain?
    let minuteChain: CalendarChain?
    let microsecondChain: CalendarChain?
    let month: FieldMatcher
    let day: FieldMatcher
    let hour: FieldMatcher
    let minute: FieldMatcher
    /// Whole seconds when the seconds chain has no fractions.
    let second: FieldMatcher
    let hasYear: Bool
    /// Fields that allow any value (`*`).
    let monthIsAny: Bool
    let dayIsAny: Bool
    let hourIsAny: Bool
    let minuteIsAny: Bool
    let weekdayBits: Int
    let dst: Int
    let endOfMonth: Bool

    init(_ pattern: CalendarPattern) {
        year = pattern.year
        monthChain = pattern.month
        dayChain = pattern.day
        hourChain = pattern.hour
        minuteChain = pattern.minute
        microsecondChain = pattern.microsecond
        month = FieldMatcher(pattern.month)
        day = FieldMatcher(pattern.day, allowMask: !pattern.endOfMonth)
        hour = FieldMatcher(pattern.hour)
        minute = FieldMatcher(pattern.minute)
        second = FieldMatcher(pattern.microsecond, scale: CalendarChains.microsecondsPerSecond,
                              allowMask: pattern.microsecond != nil)
        hasYear = pattern.year != nil
        monthIsAny = pattern.month == nil
        dayIsAny = pattern.day == nil && !pattern.endOfMonth
        hourIsAny = pattern.hour == nil
        minuteIsAny = pattern.minute == nil
        weekdayBits = pattern.weekdayBits
        dst = pattern.dst
        endOfMonth = pattern.endOfMonth
    }
}
