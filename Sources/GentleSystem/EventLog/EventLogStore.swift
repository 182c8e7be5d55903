#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleCore
import Logging

/// `<state-dir>/events.jsonl`, the append-only log that is also the daemon's memory.
///
/// Durability: each record is encoded to one line and written with ONE `write(2)` on an
/// `O_APPEND` descriptor, then `fdatasync`ed; `append` returns only after that, so a record
/// counts once `append` returns and not before.
///
/// Locking (several processes may append: the daemon, and `gentle reply` when it is not
/// running): every append holds an exclusive `flock` on the log file for the few microseconds
/// of its write (not its sync), and so does recovery. So no process ever sees another's record
/// half-written, and recovery never mistakes a record being written for a torn one. Readers take
/// a shared lock only long enough to learn the file's size, then read up to it without the lock.
///
/// Short writes: if `write` takes only part of a record (the disk filled up mid-record), the
/// rest is written at once while the lock is still held — nothing can come in between — and if
/// that fails, the part is cut off with `ftruncate` (it is known to be the file's tail) before
/// `append` throws the error. No half record is ever left for a later append to extend. If the
/// process dies in between, the next append or open finds a tail without a line break and moves
/// it aside.
///
/// Torn tails: at open, a last line without a line break, or one that is not well-formed JSON,
/// is moved to `events.jsonl.corrupt-<UTC time>` (bytes preserved exactly) and the log is
/// truncated back to its last complete record. Every append checks the last byte too (one
/// `pread`), so a fragment left by a process killed mid-write is moved aside before anything is
/// written after it.
public final class EventLogStore: @unchecked Sendable {
    public static let fileName = "events.jsonl"

    public let directory: String
    public let path: String
    public let timeZone: TimeZone
    /// What opening the log found and repaired, if anything (also logged as a warning).
    public let openingRecovery: EventLogRecovery?

    private let logger: Logger
    private let mutex = NSLock()
    // Guarded by `mutex`.
    private var fd: Int32
    private var identity: (device: UInt64, inode: UInt64)
    private var recoveries: [EventLogRecovery] = []

    /// Opens (creating if needed) `<directory>/events.jsonl`: the directory with mode 0700, the
    /// file with 0600, tightening looser modes it finds; then moves a torn last line aside.
    public init(directory: String, timeZone: TimeZone = .current, logger: Logger) throws(EventLogError) {
        self.directory = directory
        self.path = directory + "/" + Self.fileName
        self.timeZone = timeZone
        self.logger = logger
        try Self.prepareDirectory(directory, logger: logger)
        let opened = try Self.openLog(path, directory: directory, logger: logger)
        fd = opened.fd
        identity = (opened.status.device, opened.status.inode)
        let logPath = path
        do {
            openingRecovery = try Self.withLock(opened.fd, LOCK_EX, logPath) { () throws(EventLogError) in
                try TornTailRecovery.recover(fd: opened.fd, path: logPath, checkLastLine: true, now: Date())
            }
        } catch {
            Glibc.close(opened.fd)
            throw error
        }
        if let openingRecovery { report(openingRecovery) }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Closes the descriptor; later appends throw.
    public func close() {
        mutex.lock()
        defer { mutex.unlock() }
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Recoveries done since open (by appends finding a fragment left by a killed process).
    public var recoveriesSinceOpen: [EventLogRecovery] {
        mutex.lock()
        defer { mutex.unlock() }
        return recoveries
    }

    /// Writes the record as one line and syncs it. When this returns, the record is on disk.
    /// Throws `EventLogError` (disk full, read-only file system, permissions…) and then the
    /// record is not in the log: keep it and try again (`isRetryable`). One exception: if the
    /// write succeeded but `fdatasync` failed, the line may be there; a retry can duplicate it,
    /// which readers of the log tolerate (records are facts, replaying one is harmless).
    public func append(_ record: EventRecord) throws(EventLogError) {
        let line = EventLogCodec.encodeLine(record, timeZone: timeZone)
        try appendLine(line)
    }

    /// Appends already-encoded bytes that must be exactly one line ending in `\n`.
    func appendLine(_ line: [UInt8]) throws(EventLogError) {
        mutex.lock()
        defer { mutex.unlock() }
        guard fd >= 0 else { throw EventLogError(.append, path: path, code: 0, detail: "the log was closed") }
        try reopenIfReplaced()
        let fd = self.fd
        let path = self.path
        let fixed = try Self.withLock(fd, LOCK_EX, path) { () throws(EventLogError) -> EventLogRecovery? in
            let recovery = try TornTailRecovery.recover(fd: fd, path: path, checkLastLine: false, now: Date())
            let start: Int64
            switch PosixFile.status(fd: fd) {
            case .success(let s): start = s.size
            case .failure(let e): throw EventLogError(.append, path: path, code: e.code)
            }
            try Self.writeWhole(line, fd: fd, start: start, path: path)
            return recovery
        }
        if let fixed {
            recoveries.append(fixed)
            report(fixed)
        }
        if let e = PosixFile.dataSync(fd) { throw EventLogError(.sync, path: path, code: e.code) }
    }

    /// One `write(2)` of the whole line. Should the kernel take only part of it (the disk filled
    /// up mid-record), the rest follows at once — still under the exclusive lock, so nothing can
    /// come between the two parts — and if that fails, the part already written is cut off with
    /// `ftruncate` and the write's error (ENOSPC, EDQUOT, EFBIG…) is thrown.
    private static func writeWhole(_ line: [UInt8], fd: Int32, start: Int64, path: String) throws(EventLogError) {
        var written = 0
        while written < line.count {
            let n = line.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + written }, $0.count - written) }
            if n > 0 {
                written += n
                continue
            }
            let code = n < 0 ? errno : EIO
            if code == EINTR { continue }
            if written > 0, let e = PosixFile.truncate(fd, to: start) {
                throw EventLogError(.append, path: path, code: code,
                                    detail: "and the partial record could not be removed (\(e.code)); it is moved aside at next start")
            }
            throw EventLogError(.append, path: path, code: code)
        }
    }

    /// If the file at `path` was deleted or replaced while open, writing to the old descriptor
    /// would lose records in an unlinked file; open the new one instead.
    private func reopenIfReplaced() throws(EventLogError) {
        if case .success(let s) = PosixFile.status(path: path), s.device == identity.device, s.inode == identity.inode {
            return
        }
        logger.warning("The event log was moved or deleted while gentle had it open; starting a new one at its path",
                       metadata: ["path": "\(path)"])
        try Self.prepareDirectory(directory, logger: logger)
        let opened = try Self.openLog(path, directory: directory, logger: logger)
        Glibc.close(fd)
        fd = opened.fd
        identity = (opened.status.device, opened.status.inode)
    }

    private func report(_ recovery: EventLogRecovery) {
        logger.warning("The event log ended in a torn line, probably from a crash; moved it aside and kept every complete record",
                       metadata: ["path": "\(recovery.logPath)", "moved_to": "\(recovery.movedAsidePath)",
                                  "bytes": "\(recovery.byteCount)", "reason": "\(recovery.reason)"])
    }

    // MARK: Reading

    /// Every record in the log, and the lines that were not records.
    public func readAll() throws(EventLogError) -> EventLogContents {
        try Self.readAll(path: path)
    }

    /// Every record in the log at `path`, without creating or repairing anything (for commands
    /// like `gentle log`). A missing file reads as an empty log.
    public static func readAll(path: String) throws(EventLogError) -> EventLogContents {
        var contents = EventLogContents()
        do {
            try read(path: path) { entry in
                switch entry {
                case .record(let record, _): contents.records.append(record)
                case .problem(let problem): contents.problems.append(problem)
                }
            }
        } catch let error as EventLogError {
            throw error
        } catch {
            throw EventLogError(.read, path: path, code: 0, detail: "\(error)")
        }
        return contents
    }

    /// Streams the log at `path` in file order with bounded memory. Reads what was complete when
    /// it started (the size is taken under a shared lock, so no half-written record is seen).
    /// Throws `EventLogError`, or what `body` throws. A missing file reads as an empty log.
    public static func read(path: String, chunkSize: Int = 1 << 18, _ body: (EventLogEntry) throws -> Void) throws {
        try readLines(path: path, chunkSize: chunkSize) { entry, _ in try body(entry) }
    }

    /// `read`, also handing over each line's bytes as stored (valid only during the call), for
    /// readers that pass records on unchanged.
    public static func readLines(path: String, chunkSize: Int = 1 << 18,
                                 _ body: (EventLogEntry, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let fd: Int32
        switch PosixFile.open(path, O_RDONLY | O_CLOEXEC) {
        case .success(let opened): fd = opened
        case .failure(let e) where e.code == ENOENT: return
        case .failure(let e): throw EventLogError(.read, path: path, code: e.code)
        }
        defer { Glibc.close(fd) }
        let size = try withLock(fd, LOCK_SH, path) { () throws(EventLogError) -> Int64 in
            switch PosixFile.status(fd: fd) {
            case .success(let s) where s.isRegularFile: return s.size
            case .success: throw EventLogError(.read, path: path, code: EISDIR, detail: nil)
            case .failure(let e): throw EventLogError(.read, path: path, code: e.code)
            }
        }
        var scanner = EventLogScanner()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(4096, chunkSize), alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while offset < size {
            let want = Int(min(Int64(buffer.count), size - offset))
            let got = PosixFile.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), at: offset)
            guard case .success(let n) = got else { throw EventLogError(.read, path: path, code: got.errorCode ?? EIO) }
            if n == 0 { break }  // truncated meanwhile by a recovery elsewhere
            try scanner.consumeLines(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), body)
            offset += Int64(n)
        }
        try scanner.finishLines(body)
    }

    // MARK: Opening

    /// Runs `body` holding `flock(operation)`. Where the file system cannot lock at all (some
    /// network and FUSE mounts), it runs unlocked: single appends then still do not interleave,
    /// only the guard against recovering a record another process is writing is lost.
    private static func withLock<T>(_ fd: Int32, _ operation: Int32, _ path: String,
                                    _ body: () throws(EventLogError) -> T) throws(EventLogError) -> T {
        if let e = PosixFile.lock(fd, operation) {
            guard e.code == ENOLCK || e.code == EOPNOTSUPP || e.code == EINVAL else {
                throw EventLogError(.lock, path: path, code: e.code)
            }
            return try body()
        }
        defer { _ = PosixFile.lock(fd, LOCK_UN) }
        return try body()
    }

    /// Creates the directory (and missing parents) with mode 0700, as the XDG spec asks, and
    /// tightens the state directory itself to 0700 if it is looser.
    static func prepareDirectory(_ directory: String, logger: Logger) throws(EventLogError) {
        var missing: [String] = []
        var probe = directory
        while !probe.isEmpty, probe != "/" {
            switch PosixFile.status(path: probe) {
            case .success(let s):
                guard s.isDirectory else { throw EventLogError(.createDirectory, path: probe, code: ENOTDIR) }
                probe = ""
            case .failure(let e) where e.code == ENOENT:
                missing.append(probe)
                probe = (probe as NSString).deletingLastPathComponent
            case .failure(let e):
                throw EventLogError(.createDirectory, path: probe, code: e.code)
            }
        }
        for dir in missing.reversed() {
            if mkdir(dir, 0o700) != 0 && errno != EEXIST {
                throw EventLogError(.createDirectory, path: dir, code: errno)
            }
            // The new entry must survive a crash along with the log that goes into it.
            let parent = (dir as NSString).deletingLastPathComponent
            _ = PosixFile.syncDirectory(parent.isEmpty ? "/" : parent)
        }
        switch PosixFile.status(path: directory) {
        case .success(let s) where s.permissions & 0o077 != 0 || s.permissions & 0o700 != 0o700:
            guard chmod(directory, 0o700) == 0 else { throw EventLogError(.setPermissions, path: directory, code: errno) }
            if missing.isEmpty {
                logger.warning("The state directory was readable by others; made it private (0700)",
                               metadata: ["path": "\(directory)", "was": "\(String(s.permissions, radix: 8))"])
            }
        case .success:
            break
        case .failure(let e):
            throw EventLogError(.createDirectory, path: directory, code: e.code)
        }
    }

    /// Opens the log for appending, creating it 0600 (and syncing the directory so the new entry
    /// survives a crash), and tightens a looser mode it finds.
    static func openLog(_ path: String, directory: String, logger: Logger) throws(EventLogError) -> (fd: Int32, status: PosixFile.Status) {
        let flags = O_RDWR | O_APPEND | O_CLOEXEC
        var fd: Int32 = -1
        var created = false
        while fd < 0 {
            switch PosixFile.open(path, flags) {
            case .success(let opened):
                fd = opened
            case .failure(let e) where e.code == ENOENT:
                switch PosixFile.open(path, flags | O_CREAT | O_EXCL, 0o600) {
                case .success(let opened):
                    fd = opened
                    created = true
                case .failure(let e) where e.code == EEXIST:
                    continue  // another process created it just now
                case .failure(let e):
                    throw EventLogError(.open, path: path, code: e.code)
                }
            case .failure(let e):
                throw EventLogError(.open, path: path, code: e.code)
            }
        }
        do throws(EventLogError) {
            var status: PosixFile.Status
            switch PosixFile.status(fd: fd) {
            case .success(let s): status = s
            case .failure(let e): throw EventLogError(.open, path: path, code: e.code)
            }
            guard status.isRegularFile else {
                throw EventLogError(.open, path: path, code: 0, detail: "it is not a regular file; move it away")
            }
            if status.permissions & 0o077 != 0 || status.permissions & 0o600 != 0o600 {
                guard fchmod(fd, 0o600) == 0 else { throw EventLogError(.setPermissions, path: path, code: errno) }
                if !created {
                    logger.warning("The event log was readable by others; made it private (0600)",
                                   metadata: ["path": "\(path)", "was": "\(String(status.permissions, radix: 8))"])
                }
                status.mode = (status.mode & ~0o7777) | 0o600
            }
            if created, let e = PosixFile.syncDirectory(directory) {
                throw EventLogError(.sync, path: directory, code: e.code)
            }
            return (fd, status)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }
}

/// The daemon's port to its log (Runtime/DaemonPorts.swift).
extension EventLogStore: EventJournal {}
