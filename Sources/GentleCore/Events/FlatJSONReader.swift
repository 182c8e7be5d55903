/// A small JSON reader for one flat object on one line: the shape of every event-log record.
/// It walks raw bytes once, never recurses (nested values of unknown keys are skipped with an
/// explicit stack), and every read is bounds-checked, so arbitrary input can only produce an
/// error, never a crash or a loop. JSONDecoder would work too, but even decoding just five of the
/// fields it is ~7× slower on the log (bench/eventlog.sh prints both).
struct FlatJSONReader {
    typealias Failure = EventDecodingError

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    /// Nested arrays/objects deeper than this in an unknown field are refused.
    static let maximumDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position >= bytes.count }

    func fail(_ message: String, _ category: Failure.Category = .syntax) -> Failure {
        Failure(category, column: position + 1, message)
    }

    @inline(__always) func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(Failure) {
        guard position < bytes.count, bytes[position] == byte else { throw unexpected(what()) }
        position += 1
    }

    private func unexpected(_ what: String) -> Failure {
        guard position < bytes.count else { return fail("line ends where \(what) was expected") }
        return fail("expected \(what), found \(describe(bytes[position]))")
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16)
    }

    // MARK: Strings

    /// A string whose bytes are either a slice of the line (no escapes) or decoded into `scratch`.
    enum StringBytes {
        case slice(Range<Int>)
        case decoded
    }

    /// Reads a string starting at the opening quote. Raw bytes are checked to be UTF-8; escapes
    /// (including `\uXXXX` surrogate pairs) are decoded into `scratch`, which is cleared first.
    /// A lone surrogate becomes U+FFFD rather than failing the record.
    mutating func readString(into scratch: inout [UInt8]) throws(Failure) -> StringBytes {
        try expect(0x22, "'\"'")
        let start = position
        var sawNonASCII = false
        while position < bytes.count {
            let c = bytes[position]
            if c == 0x22 {
                if sawNonASCII { try validateUTF8(start..<position) }
                position += 1
                return .slice(start..<(position - 1))
            }
            if c == 0x5C { break }
            if c < 0x20 { throw fail("control character \(describe(c)) inside a string") }
            if c >= 0x80 { sawNonASCII = true }
            position += 1
        }
        guard position < bytes.count else { throw fail("line ends inside a string") }
        // Slow path: there is an escape. Copy what came before and decode the rest.
        if sawNonASCII { try validateUTF8(start..<position) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        var segmentStart = position
        var segmentNonASCII = false
        while position < bytes.count {
            let c = bytes[position]
            if c == 0x22 || c == 0x5C {
                if segmentNonASCII { try validateUTF8(segmentStart..<position) }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<position]))
                if c == 0x22 {
                    position += 1
                    return .decoded
                }
                try readEscape(into: &scratch)
                segmentStart = position
                segmentNonASCII = false
                continue
            }
            if c < 0x20 { throw fail("control character \(describe(c)) inside a string") }
            if c >= 0x80 { segmentNonASCII = true }
            position += 1
        }
        throw fail("line ends inside a string")
    }

    private mutating func readEscape(into out: inout [UInt8]) throws(Failure) {
        position += 1  // the backslash
        guard position < bytes.count else { throw fail("line ends inside an escape") }
        let c = bytes[position]
        position += 1
        switch c {
        case 0x22, 0x5C, 0x2F: out.append(c)
        case 0x62: out.append(0x08)
        case 0x66: out.append(0x0C)
        case 0x6E: out.append(0x0A)
        case 0x72: out.append(0x0D)
        case 0x74: out.append(0x09)
        case 0x75:
            let unit = try readHex4()
            var scalar: UInt32 = 0xFFFD
            if unit >= 0xD800 && unit < 0xDC00 {
                // A high surrogate counts only when a low one follows at once.
                if position + 1 < bytes.count, bytes[position] == 0x5C, bytes[position + 1] == 0x75 {
                    let save = position
                    position += 2
                    let low = try readHex4()
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        position = save  // not a pair: the second escape is read on its own
                    }
                }
            } else if unit < 0xDC00 || unit >= 0xE000 {
                scalar = unit
            }
            appendUTF8(scalar, to: &out)
        default:
            position -= 1
            throw fail("unknown escape \\\(Character(Unicode.Scalar(c < 0x80 ? c : 0x3F)))")
        }
    }

    private mutating func readHex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("line ends inside a \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: throw fail("\\u must be followed by four hex digits")
            }
            v = v << 4 | UInt32(digit)
            position += 1
        }
        return v
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Well-formed UTF-8 per RFC 3629 (no overlongs, no surrogates, nothing above U+10FFFF).
    private func validateUTF8(_ range: Range<Int>) throws(Failure) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            var length = 0
            var lowest: UInt8 = 0x80
            var highest: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lowest = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; highest = 0x9F
            case 0xF0: length = 4; lowest = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; highest = 0x8F
            default: throw Failure(.encoding, column: i + 1, "byte 0x\(String(b0, radix: 16)) is not UTF-8")
            }
            guard i + length <= end else { throw Failure(.encoding, column: i + 1, "UTF-8 sequence cut short") }
            let b1 = bytes[i + 1]
            guard b1 >= lowest, b1 <= highest else {
                throw Failure(.encoding, column: i + 2, "byte 0x\(String(b1, radix: 16)) is not UTF-8 here")
            }
            for k in 2..<max(length, 2) where bytes[i + k] & 0xC0 != 0x80 {
                throw Failure(.encoding, column: i + k + 1, "byte 0x\(String(bytes[i + k], radix: 16)) is not UTF-8 here")
            }
            i += length
        }
    }

    // MARK: Numbers and literals

    /// Reads a JSON number and returns its byte range and whether it is a plain integer.
    mutating func readNumber() throws(Failure) -> (range: Range<Int>, isInteger: Bool) {
        let start = position
        if peek() == 0x2D { position += 1 }
        guard let first = peek(), first >= 0x30, first <= 0x39 else { throw fail("expected a digit") }
        position += 1
        if first != 0x30 { skipDigits() }
        var isInteger = true
        if peek() == 0x2E {
            isInteger = false
            position += 1
            guard skipDigits() > 0 else { throw fail("expected a digit after '.'") }
        }
        if let e = peek(), e == 0x65 || e == 0x45 {
            isInteger = false
            position += 1
            if let sign = peek(), sign == 0x2B || sign == 0x2D { position += 1 }
            guard skipDigits() > 0 else { throw fail("expected a digit in the exponent") }
        }
        return (start..<position, isInteger)
    }

    @discardableResult private mutating func skipDigits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
        return position - start
    }

    /// The integer value of digits read by `readNumber`; nil when it does not fit an `Int`.
    func integerValue(_ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        let negative = bytes[i] == 0x2D
        if negative { i += 1 }
        var value = 0
        while i < range.upperBound {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let digit = Int(bytes[i] &- 0x30)
            let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        return value
    }

    /// Consumes `true`, `false` or `null` if one starts here.
    mutating func readLiteral() throws(Failure) -> UInt8 {
        guard let c = peek() else { throw fail("line ends where a value was expected") }
        let word: StaticString
        switch c {
        case 0x74: word = "true"
        case 0x66: word = "false"
        case 0x6E: word = "null"
        default: throw fail("expected a value, found \(describe(c))")
        }
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else { throw fail("line ends inside a value") }
        let start = word.utf8Start
        for k in 0..<length where bytes[position + k] != start[k] {
            throw fail("expected a value, found \(describe(c))")
        }
        position += length
        return c
    }

    // MARK: Skipping values of unknown fields

    /// Skips one value of any type, nested arrays and objects included, without recursion.
    mutating func skipValue(scratch: inout [UInt8]) throws(Failure) {
        var closers: [UInt8] = []
        while true {
            // One value starts here.
            skipWhitespace()
            guard let c = peek() else { throw fail("line ends where a value was expected") }
            var opened = false
            switch c {
            case 0x7B, 0x5B:
                guard closers.count < Self.maximumDepth else { throw fail("values nested too deeply") }
                position += 1
                skipWhitespace()
                let closer: UInt8 = c == 0x7B ? 0x7D : 0x5D
                if peek() == closer {
                    position += 1
                } else {
                    closers.append(closer)
                    if closer == 0x7D { try readMemberName(scratch: &scratch) }
                    opened = true
                }
            case 0x22:
                _ = try readString(into: &scratch)
            case 0x2D, 0x30...0x39:
                _ = try readNumber()
            default:
                _ = try readLiteral()
            }
            if opened { continue }
            // A value ended: close containers until one expects another member.
            while let closer = closers.last {
                skipWhitespace()
                guard let next = peek() else { throw fail("line ends inside a nested value") }
                if next == 0x2C {
                    position += 1
                    if closer == 0x7D { try readMemberName(scratch: &scratch) }
                    break
                }
                guard next == closer else {
                    throw fail("expected ',' or '\(Character(Unicode.Scalar(closer)))', found \(describe(next))")
                }
                position += 1
                closers.removeLast()
            }
            if closers.isEmpty { return }
        }
    }

    private mutating func readMemberName(scratch: inout [UInt8]) throws(Failure) {
        skipWhitespace()
        _ = try readString(into: &scratch)
        skipWhitespace()
        try expect(0x3A, "':'")
    }
}
