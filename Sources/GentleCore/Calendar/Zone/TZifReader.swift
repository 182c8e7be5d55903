/// Reads compiled time-zone files (RFC 8536 "TZif", versions 1–4) into the pieces glibc uses:
/// transition times, local time types, abbreviations and the POSIX rule footer.
struct TZifContents: Sendable {
    struct LocalTimeType: Sendable, Equatable {
        var utcOffset: Int
        var isDST: Bool
        /// Byte offset into the abbreviation characters.
        var abbreviationStart: Int
    }

    var transitions: [Int] = []
    var transitionTypes: [Int] = []
    var types: [LocalTimeType] = []
    var abbreviationCharacters: [UInt8] = []
    var footer: String?

    func abbreviation(at start: Int) -> String {
        guard start < abbreviationCharacters.count else { return "" }
        var end = start
        while end < abbreviationCharacters.count, abbreviationCharacters[end] != 0 { end += 1 }
        return String(decoding: abbreviationCharacters[start..<end], as: UTF8.self)
    }
}

enum TZifReader {
    enum Failure: Error { case malformed }

    static func parse(_ data: [UInt8]) throws(Failure) -> TZifContents {
        var reader = ByteReader(data)
        let first = try reader.header()
        guard first.version >= 2 else { return try reader.body(first, timeSize: 4) }
        try reader.skip(first.v1BodySize)
        let second = try reader.header()
        var contents = try reader.body(second, timeSize: 8)
        contents.footer = reader.footer()
        return contents
    }
}

private struct Header {
    var version: Int
    var isUTCCount, isStdCount, leapCount, timeCount, typeCount, charCount: Int

    var v1BodySize: Int { timeCount * 5 + typeCount * 6 + charCount + leapCount * 8 + isStdCount + isUTCCount }
}

private struct ByteReader {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func skip(_ n: Int) throws(TZifReader.Failure) {
        guard n >= 0, index + n <= bytes.count else { throw .malformed }
        index += n
    }

    mutating func integer(size: Int) throws(TZifReader.Failure) -> Int {
        guard index + size <= bytes.count else { throw .malformed }
        var v: UInt64 = 0
        for i in 0..<size { v = v << 8 | UInt64(bytes[index + i]) }
        index += size
        if size == 4 { return Int(Int32(bitPattern: UInt32(truncatingIfNeeded: v))) }
        return Int(Int64(bitPattern: v))
    }

    mutating func header() throws(TZifReader.Failure) -> Header {
        guard index + 44 <= bytes.count, Array(bytes[index..<index + 4]) == Array("TZif".utf8) else { throw .malformed }
        let versionByte = bytes[index + 4]
        let version = versionByte == 0 ? 1 : Int(versionByte) - 48
        index += 20
        var counts: [Int] = []
        for _ in 0..<6 {
            let c = try integer(size: 4)
            guard c >= 0, c < 1 << 24 else { throw .malformed }
            counts.append(c)
        }
        return Header(version: version, isUTCCount: counts[0], isStdCount: counts[1], leapCount: counts[2],
                      timeCount: counts[3], typeCount: counts[4], charCount: counts[5])
    }

    mutating func body(_ h: Header, timeSize: Int) throws(TZifReader.Failure) -> TZifContents {
        var c = TZifContents()
        c.transitions.reserveCapacity(h.timeCount)
        for _ in 0..<h.timeCount { c.transitions.append(try integer(size: timeSize)) }
        for _ in 0..<h.timeCount {
            let t = try integer(size: 1)
            guard t < h.typeCount else { throw .malformed }
            c.transitionTypes.append(t)
        }
        guard h.typeCount > 0 else { throw .malformed }
        for _ in 0..<h.typeCount {
            let offset = try integer(size: 4)
            let isDST = try integer(size: 1)
            let abbreviation = try integer(size: 1)
            guard isDST <= 1, abbreviation < max(h.charCount, 1) else { throw .malformed }
            c.types.append(.init(utcOffset: offset, isDST: isDST == 1, abbreviationStart: abbreviation))
        }
        guard index + h.charCount <= bytes.count else { throw .malformed }
        c.abbreviationCharacters = Array(bytes[index..<index + h.charCount])
        index += h.charCount
        try skip(h.leapCount * (timeSize + 4) + h.isStdCount + h.isUTCCount)
        return c
    }

    mutating func footer() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\n") else { return nil }
        var end = index + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        guard end < bytes.count, end > index + 1 else { return nil }
        return String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
    }
}
