#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleCore

/// What recovery did with a torn end of the log: which bytes were moved where.
public struct EventLogRecovery: Sendable, Equatable, CustomStringConvertible {
    public var logPath: String
    /// `events.jsonl.corrupt-<UTC time>`: the torn bytes, exactly as they were.
    public var movedAsidePath: String
    /// Where the torn line started; the log now ends here, after its last complete record.
    public var offset: Int64
    public var byteCount: Int64
    /// Why the line was taken for torn.
    public var reason: String

    public var description: String {
        "\(logPath) ended in a torn line (\(reason)); moved its \(byteCount) bytes to \(movedAsidePath) and kept every complete record before it"
    }
}

/// Finds a torn last line and moves it aside. The caller holds an exclusive `flock` on `fd`:
/// every appender writes under that lock, so no record can be half-written by a live process
/// while this runs, and whatever looks torn really is a leftover of a crash.
enum TornTailRecovery {
    /// The longest last line examined for syntax; longer ones are torn by definition (the reader
    /// refuses lines this long).
    static let maximumLineLength = EventLogScanner.defaultMaximumLineLength

    /// `checkLastLine`: also treat a last line that has its line break but is not well-formed
    /// JSON as torn (done at open); appends only check for a missing line break, which is cheap.
    static func recover(fd: Int32, path: String, checkLastLine: Bool, now: Date) throws(EventLogError) -> EventLogRecovery? {
        let size: Int64
        switch PosixFile.status(fd: fd) {
        case .success(let s): size = s.size
        case .failure(let e): throw EventLogError(.recover, path: path, code: e.code)
        }
        guard size > 0 else { return nil }
        let start: Int64
        let reason: String
        if try byte(at: size - 1, fd: fd, path: path) != 0x0A {
            start = try lineStart(before: size, fd: fd, path: path)
            reason = "no line break at the end"
        } else if checkLastLine {
            let lineBegin = try lineStart(before: size - 1, fd: fd, path: path)
            let length = size - 1 - lineBegin
            guard length > 0 else { return nil }
            if length > Int64(maximumLineLength) {
                reason = "the last line is \(length) bytes long, more than a record may be"
            } else {
                var line = [UInt8](repeating: 0, count: Int(length))
                let got = line.withUnsafeMutableBytes { PosixFile.read(fd, into: $0, at: lineBegin) }
                guard case .success(let n) = got, n == Int(length) else {
                    throw EventLogError(.recover, path: path, code: got.errorCode ?? EIO)
                }
                if EventLogScanner.isBlank(line) { return nil }
                let decoded = line.withUnsafeBufferPointer { EventLogCodec.decode($0) }
                guard case .failure(let error) = decoded, error.isSyntaxError else { return nil }
                reason = "the last line is not a complete record: \(error)"
            }
            start = lineBegin
        } else {
            return nil
        }
        let aside = try copyAside(fd: fd, path: path, from: start, to: size, now: now)
        if let e = PosixFile.truncate(fd, to: start) { throw EventLogError(.recover, path: path, code: e.code) }
        if let e = PosixFile.dataSync(fd) { throw EventLogError(.sync, path: path, code: e.code) }
        return EventLogRecovery(logPath: path, movedAsidePath: aside, offset: start, byteCount: size - start, reason: reason)
    }

    private static func byte(at offset: Int64, fd: Int32, path: String) throws(EventLogError) -> UInt8 {
        var b: UInt8 = 0
        let got = withUnsafeMutableBytes(of: &b) { PosixFile.read(fd, into: $0, at: offset) }
        guard case .success(1) = got else { throw EventLogError(.recover, path: path, code: got.errorCode ?? EIO) }
        return b
    }

    /// Offset just after the last `\n` before `end`, or 0. Reads backwards in 64 KiB steps.
    private static func lineStart(before end: Int64, fd: Int32, path: String) throws(EventLogError) -> Int64 {
        let step = 1 << 16
        var buffer = [UInt8](repeating: 0, count: step)
        var chunkEnd = end
        while chunkEnd > 0 {
            let chunkStart = max(0, chunkEnd - Int64(step))
            let count = Int(chunkEnd - chunkStart)
            let got = buffer.withUnsafeMutableBytes {
                PosixFile.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: chunkStart)
            }
            guard case .success(let n) = got, n == count else {
                throw EventLogError(.recover, path: path, code: got.errorCode ?? EIO)
            }
            if let i = buffer[0..<count].lastIndex(of: 0x0A) { return chunkStart + Int64(i) + 1 }
            chunkEnd = chunkStart
        }
        return 0
    }

    /// Copies `[from, to)` of the log into a new `events.jsonl.corrupt-<time>` file (mode 0600,
    /// never overwriting one that exists) and makes it durable before the log is truncated.
    private static func copyAside(fd: Int32, path: String, from: Int64, to: Int64, now: Date) throws(EventLogError) -> String {
        let base = path + ".corrupt-" + stamp(now)
        var target = base
        var out: Int32 = -1
        for attempt in 1...1000 {
            switch PosixFile.open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) {
            case .success(let opened):
                out = opened
            case .failure(let e) where e.code == EEXIST:
                target = base + "-\(attempt + 1)"
                continue
            case .failure(let e):
                throw EventLogError(.recover, path: target, code: e.code)
            }
            break
        }
        guard out >= 0 else { throw EventLogError(.recover, path: target, code: EEXIST) }
        defer { close(out) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset = from
        while offset < to {
            let count = Int(min(Int64(buffer.count), to - offset))
            let got = buffer.withUnsafeMutableBytes {
                PosixFile.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: offset)
            }
            guard case .success(let n) = got, n == count else {
                throw EventLogError(.recover, path: path, code: got.errorCode ?? EIO)
            }
            if let e = buffer.withUnsafeBytes({ PosixFile.writeAll(out, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) {
                throw EventLogError(.recover, path: target, code: e.code)
            }
            offset += Int64(n)
        }
        if let e = PosixFile.fullSync(out) { throw EventLogError(.sync, path: target, code: e.code) }
        let directory = (path as NSString).deletingLastPathComponent
        if let e = PosixFile.syncDirectory(directory.isEmpty ? "." : directory) {
            throw EventLogError(.sync, path: directory, code: e.code)
        }
        return target
    }

    /// `20261127T143000.123Z`: sorts by time, no characters that need quoting in a shell.
    static func stamp(_ date: Date) -> String {
        let iso = ISO8601Offset.format(date, in: TimeZone(identifier: "UTC") ?? .current, fractionDigits: 3)
        return iso.filter { $0 != "-" && $0 != ":" }
    }
}

extension Result where Failure == Errno {
    var errorCode: Int32? {
        if case .failure(let e) = self { return e.code }
        return nil
    }
}
