import Foundation

/// A line of the log that did not yield a record, and where it is, so a reader can say
/// "events.jsonl:12: column 40: expected ',' or '}'" instead of dropping it silently.
public struct EventLogProblem: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// Offset of the line's first byte in the file (or in the bytes scanned).
    public var byteOffset: Int64
    /// Length of the line in bytes, without its line break.
    public var length: Int
    public var error: EventDecodingError
    /// True for a last line with no line break: a write cut short, or one still in progress.
    public var isIncompleteLastLine: Bool
    /// The start of the line, printable, for messages.
    public var excerpt: String

    public var description: String {
        "line \(line): " + (isIncompleteLastLine ? error.message : error.description)
    }
}

public enum EventLogEntry: Sendable, Equatable {
    case record(EventRecord, line: Int)
    case problem(EventLogProblem)
}

/// Everything read from a log: the records in file order and the lines that were not records.
public struct EventLogContents: Sendable, Equatable {
    public var records: [EventRecord] = []
    public var problems: [EventLogProblem] = []

    public init(records: [EventRecord] = [], problems: [EventLogProblem] = []) {
        self.records = records
        self.problems = problems
    }

    /// Scans a whole log held in memory. Never traps, whatever the bytes (this is the fuzz entry).
    public init(parsing bytes: UnsafeRawBufferPointer) {
        var scanner = EventLogScanner()
        var contents = EventLogContents()
        let collect = { (entry: EventLogEntry) in
            switch entry {
            case .record(let record, _): contents.records.append(record)
            case .problem(let problem): contents.problems.append(problem)
            }
        }
        scanner.consume(bytes, collect)
        scanner.finish(collect)
        self = contents
    }

    public init(parsing bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { EventLogContents(parsing: $0) }
    }
}

/// Splits a log into lines as chunks arrive and decodes each, so a reader streams a large file
/// with bounded memory. Blank lines are skipped. A line longer than `maximumLineLength` is
/// reported (and not buffered); bytes after the last line break are reported by `finish` as an
/// incomplete last line, never decoded: a record counts only once its line break is written.
public struct EventLogScanner {
    public static let defaultMaximumLineLength = 1 << 20

    public let maximumLineLength: Int
    private var carry: [UInt8] = []
    private var discardedLength = 0
    private var discarding = false
    private var lineNumber = 1
    private var lineStart: Int64 = 0
    private var consumed: Int64 = 0

    public init(maximumLineLength: Int = EventLogScanner.defaultMaximumLineLength) {
        self.maximumLineLength = max(1, maximumLineLength)
    }

    /// Lines seen so far whose line break has arrived.
    public var completeLines: Int { lineNumber - 1 }

    public mutating func consume(_ chunk: UnsafeRawBufferPointer, _ emit: (EventLogEntry) throws -> Void) rethrows {
        try consumeLines(chunk) { entry, _ in try emit(entry) }
    }

    /// Like `consume`, and also hands over each line's bytes (without the line break; empty for
    /// a line too long to keep), valid only during the call: for readers that pass records on
    /// exactly as stored (`gentle log --json`), including keys this version does not know.
    public mutating func consumeLines(_ chunk: UnsafeRawBufferPointer,
                                      _ emit: (EventLogEntry, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count > 0 else { return }
        let all = UnsafeBufferPointer(start: base, count: chunk.count)
        var position = 0
        while position < chunk.count {
            let rest = chunk.count - position
            guard let found = memchr(base + position, 0x0A, rest) else {
                keepPartial(UnsafeBufferPointer(rebasing: all[position...]))
                break
            }
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let piece = UnsafeBufferPointer(rebasing: all[position..<newline])
            if discarding {
                discardedLength += piece.count
                try emit(.problem(tooLong(length: discardedLength)), Self.noBytes)
                discarding = false
                discardedLength = 0
            } else if carry.isEmpty {
                try handle(piece, emit)
            } else {
                carry.append(contentsOf: piece)
                if carry.count > maximumLineLength {
                    try emit(.problem(tooLong(length: carry.count)), Self.noBytes)
                } else {
                    try carry.withUnsafeBufferPointer { line in try handle(line, emit) }
                }
                carry.removeAll(keepingCapacity: carry.count <= 1 << 16)
            }
            position = newline + 1
            lineNumber += 1
            lineStart = consumed + Int64(position)
        }
        consumed += Int64(chunk.count)
    }

    /// Reports the bytes after the last line break, if any, as an incomplete last line.
    public mutating func finish(_ emit: (EventLogEntry) throws -> Void) rethrows {
        try finishLines { entry, _ in try emit(entry) }
    }

    /// `finish` for `consumeLines` readers.
    public mutating func finishLines(_ emit: (EventLogEntry, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        defer {
            carry.removeAll()
            discarding = false
            discardedLength = 0
        }
        if discarding {
            try emit(.problem(incomplete(length: discardedLength, excerptFrom: [])), Self.noBytes)
        } else if !carry.isEmpty && !Self.isBlank(carry) {
            let problem = incomplete(length: carry.count, excerptFrom: carry)
            try carry.withUnsafeBufferPointer { try emit(.problem(problem), $0) }
        }
    }

    private mutating func keepPartial(_ bytes: UnsafeBufferPointer<UInt8>) {
        if discarding {
            discardedLength += bytes.count
        } else if carry.count + bytes.count > maximumLineLength {
            discarding = true
            discardedLength = carry.count + bytes.count
            carry.removeAll()
        } else {
            carry.append(contentsOf: bytes)
        }
    }

    private func handle(_ line: UnsafeBufferPointer<UInt8>,
                        _ emit: (EventLogEntry, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        if line.count > maximumLineLength {
            try emit(.problem(tooLong(length: line.count)), Self.noBytes)
            return
        }
        if line.first != 0x7B && Self.isBlank(line) { return }
        switch EventLineDecoder.decode(line) {
        case .success(let record):
            try emit(.record(record, line: lineNumber), line)
        case .failure(let error):
            try emit(.problem(EventLogProblem(line: lineNumber, byteOffset: lineStart, length: line.count, error: error,
                                              isIncompleteLastLine: false, excerpt: Self.excerpt(line))), line)
        }
    }

    private static var noBytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }

    private func tooLong(length: Int) -> EventLogProblem {
        EventLogProblem(line: lineNumber, byteOffset: lineStart, length: length,
                        error: EventDecodingError(.tooLong, column: maximumLineLength + 1,
                                                  "line is \(length) bytes, longer than the \(maximumLineLength) a record may have"),
                        isIncompleteLastLine: false, excerpt: "")
    }

    private func incomplete(length: Int, excerptFrom bytes: [UInt8]) -> EventLogProblem {
        EventLogProblem(line: lineNumber, byteOffset: lineStart, length: length,
                        error: EventDecodingError(.syntax, column: length + 1,
                                                  "last line has no line break (\(length) bytes): a write cut short by a crash, or one still in progress; not counted"),
                        isIncompleteLastLine: true, excerpt: bytes.withUnsafeBufferPointer { Self.excerpt($0) })
    }

    /// Spaces, tabs and carriage returns only.
    public static func isBlank<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// Up to 60 bytes of the line with anything unprintable shown as `?`.
    static func excerpt(_ line: UnsafeBufferPointer<UInt8>) -> String {
        let head = String(decoding: UnsafeBufferPointer(rebasing: line.prefix(60)), as: UTF8.self)
        let printable = String(String.UnicodeScalarView(head.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? "?" : $0
        }))
        return line.count > 60 ? printable + "…" : printable
    }
}
