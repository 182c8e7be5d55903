/// The numbers of an expression: comma-separated components, ranges, steps, fractions, and
/// `strtoul`'s leniencies where systemd relies on it.
extension CalendarParser {
    private static let maxComponents = 240

    /// `*` or a comma-separated list of components. Seconds come back in microseconds.
    mutating func chain(microseconds: Bool) throws(Failure) -> CalendarChain? {
        if peek() == UInt8(ascii: "*") {
            index += 1
            return microseconds ? CalendarChains.anySecond : nil
        }
        var items: CalendarChain = []
        var nesting = 0
        while true {
            guard nesting <= CalendarParser.maxComponents else { throw .tooManyComponents }
            items.append(try component(microseconds: microseconds))
            guard peek() == UInt8(ascii: ",") else { return items }
            index += 1
            nesting += 1
        }
    }

    private mutating func component(microseconds: Bool) throws(Failure) -> CalendarComponent {
        let start = try decimal(microseconds: microseconds)
        var stop = -1
        var step = 0
        if peek() == UInt8(ascii: "."), peek(1) == UInt8(ascii: ".") {
            index += 2
            stop = try decimal(microseconds: microseconds)
            step = microseconds ? CalendarChains.microsecondsPerSecond : 1
        }
        if peek() == UInt8(ascii: "/") {
            index += 1
            step = try decimal(microseconds: microseconds)
            guard step != 0 else { throw .outOfRange }
        } else {
            guard start <= Int(Int32.max) - step else { throw .outOfRange }
            // A seconds range needs an explicit step below one second.
            if microseconds && stop >= 0 && start + step > stop { throw .invalidArgument }
        }
        let next = peek()
        guard next == 0 || next == UInt8(ascii: " ") || next == UInt8(ascii: ",") || next == UInt8(ascii: "-")
                || next == UInt8(ascii: "~") || next == UInt8(ascii: ":") else { throw .invalidArgument }
        return CalendarComponent(start: start, stop: stop, step: step)
    }

    /// A decimal number; for seconds also `.fraction`, rounded to microseconds.
    private mutating func decimal(microseconds: Bool) throws(Failure) -> Int {
        guard CalendarParser.isDigit(peek()) else { throw .invalidArgument }
        var value = try unsignedLong(allowingSignAndBlanks: false)
        if microseconds {
            let (scaled, overflow) = value.multipliedReportingOverflow(by: UInt64(CalendarChains.microsecondsPerSecond))
            guard !overflow else { throw .outOfRange }
            value = scaled
            if peek() == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
                index += 1
                let (sum, carry) = value.addingReportingOverflow(UInt64(try fraction()))
                guard !carry else { throw .outOfRange }
                value = sum
            }
        }
        guard value <= UInt64(Int32.max) else { throw .outOfRange }
        return Int(value)
    }

    /// Six fraction digits, padded with zeros, rounded up by a seventh digit of 5 or more;
    /// further digits are skipped.
    private mutating func fraction() throws(Failure) -> Int {
        var value = 0
        var digits = 0
        while digits < 6 {
            guard CalendarParser.isDigit(peek()) else {
                if digits == 0 { throw .invalidArgument }
                while digits < 6 { value *= 10; digits += 1 }
                break
            }
            value = value * 10 + Int(peek() - 48)
            index += 1
            digits += 1
        }
        if peek() >= UInt8(ascii: "5") && peek() <= UInt8(ascii: "9") { value += 1 }
        while CalendarParser.isDigit(peek()) { index += 1 }
        return value
    }

    /// C's `strtoul(…, 10)` with systemd's checks: no digits is EINVAL, overflow is ERANGE.
    mutating func unsignedLong(allowingSignAndBlanks: Bool) throws(Failure) -> UInt64 {
        var p = index
        var negative = false
        if allowingSignAndBlanks {
            while p < bytes.count, [9, 10, 11, 12, 13, 32].contains(bytes[p]) { p += 1 }
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") {
                negative = bytes[p] == UInt8(ascii: "-")
                p += 1
            }
        }
        let digitsStart = p
        var value: UInt64 = 0
        var overflow = false
        while p < bytes.count, CalendarParser.isDigit(bytes[p]) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(bytes[p] - 48))
            if o1 || o2 { overflow = true }
            value = s
            p += 1
        }
        guard p > digitsStart else { throw .invalidArgument }
        guard !overflow else { throw .outOfRange }
        index = p
        return negative ? 0 &- value : value
    }
}
