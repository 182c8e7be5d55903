import Foundation
import GentleCore

/// One message waiting in the outbox, with what the retry logic needs to carry on after a restart.
public struct OutboxEntry: Sendable, Equatable {
    public var occurrence: OccurrenceID
    public var staleAt: Date
    public var createdAt: Date
    /// Failed attempts so far.
    public var attempts: Int
    public var nextAttempt: Date
    /// The last failure, safe to log.
    public var lastError: String?
    public var message: EmailMessage

    public init(occurrence: OccurrenceID, staleAt: Date, createdAt: Date, attempts: Int = 0, nextAttempt: Date,
                lastError: String? = nil, message: EmailMessage) {
        self.occurrence = occurrence
        self.staleAt = staleAt
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastError = lastError
        self.message = message
    }

    /// One file per occurrence: `breathe.2026-11-27T143000+0100.json`.
    public var fileName: String { MessageID.atom(occurrence.text) + ".json" }
}

/// `<state-dir>/outbox/`: every message not yet accepted by the mail server, one JSON file each
/// (mode 0600), written whole (temp file, fsync, rename, fsync of the directory) before the first
/// try and removed once sent, so pending mail survives a restart, a crash or `kill -9`.
/// Not thread-safe: the email channel uses it from its one state queue.
public struct Outbox: Sendable {
    public let directory: String

    /// Creates `<state-dir>/outbox/` (mode 0700) when missing.
    public init(stateDirectory: String) throws {
        directory = stateDirectory + "/outbox"
        try Outbox.makeDirectory(stateDirectory)
        try Outbox.makeDirectory(directory)
    }

    private static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw OutboxError(path: path, action: "create the directory", errno: errno)
        }
    }

    /// Everything pending, oldest first. Leftover temp files of an interrupted write are removed;
    /// unreadable entries are renamed `*.corrupt` (kept for the user) and reported in `problems`.
    public func load() -> (entries: [OutboxEntry], problems: [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return ([], ["cannot list \(directory)"])
        }
        var entries: [OutboxEntry] = []
        var problems: [String] = []
        for name in names.sorted() {
            let path = directory + "/" + name
            if name.hasPrefix(".") && name.hasSuffix(".tmp") {
                unlink(path)
                continue
            }
            guard name.hasSuffix(".json") else { continue }
            if let data = FileManager.default.contents(atPath: path), let entry = OutboxFile.decode(data) {
                entries.append(entry)
            } else {
                rename(path, path + ".corrupt")
                problems.append("\(path) could not be read as an outbox entry; renamed it to \(name).corrupt")
            }
        }
        return (entries.sorted { $0.createdAt < $1.createdAt }, problems)
    }

    /// Writes (or replaces) the entry durably.
    public func write(_ entry: OutboxEntry) throws {
        let data = try OutboxFile.encode(entry)
        let final = directory + "/" + entry.fileName
        let temporary = directory + "/.\(entry.fileName).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OutboxError(path: temporary, action: "create", errno: errno) }
        var failure: OutboxError?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = OutboxError(path: temporary, action: "write", errno: errno)
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = OutboxError(path: temporary, action: "sync", errno: errno) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, final) == 0 else {
            let error = OutboxError(path: final, action: "rename into place", errno: errno)
            unlink(temporary)
            throw error
        }
        try syncDirectory()
    }

    /// Deletes the entry's file, durably, so a sent message does not come back after a crash.
    public func remove(_ entry: OutboxEntry) throws {
        let path = directory + "/" + entry.fileName
        if unlink(path) != 0 && errno != ENOENT { throw OutboxError(path: path, action: "remove", errno: errno) }
        try syncDirectory()
    }

    private func syncDirectory() throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw OutboxError(path: directory, action: "open", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw OutboxError(path: directory, action: "sync", errno: errno) }
    }
}

public struct OutboxError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var action: String
    public var errno: Int32

    public var description: String {
        "cannot \(action) \(path): \(String(cString: strerror(errno)).lowercased())"
    }
}

/// The on-disk JSON form; version 1. Dates are UTC ISO 8601 with milliseconds.
private struct OutboxFile: Codable {
    var v: Int
    var occurrence: String
    var staleAt: String
    var createdAt: String
    var attempts: Int
    var nextAttempt: String
    var lastError: String?
    var messageID: String
    var envelopeFrom: String
    var envelopeTo: [String]
    var message: String

    private static let utc = TimeZone(secondsFromGMT: 0) ?? .current

    static func encode(_ e: OutboxEntry) throws -> Data {
        let file = OutboxFile(
            v: 1, occurrence: e.occurrence.text, staleAt: ISO8601Offset.format(e.staleAt, in: utc),
            createdAt: ISO8601Offset.format(e.createdAt, in: utc), attempts: e.attempts,
            nextAttempt: ISO8601Offset.format(e.nextAttempt, in: utc), lastError: e.lastError,
            messageID: e.message.messageID, envelopeFrom: e.message.envelopeFrom, envelopeTo: e.message.envelopeTo,
            message: e.message.text)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(file) + Data("\n".utf8)
    }

    static func decode(_ data: Data) -> OutboxEntry? {
        guard let f = try? JSONDecoder().decode(OutboxFile.self, from: data), f.v == 1,
              let occurrence = OccurrenceID(parsing: f.occurrence),
              let staleAt = ISO8601Offset.parse(f.staleAt), let createdAt = ISO8601Offset.parse(f.createdAt),
              let nextAttempt = ISO8601Offset.parse(f.nextAttempt), f.attempts >= 0, !f.envelopeTo.isEmpty
        else { return nil }
        let message = EmailMessage(messageID: f.messageID, envelopeFrom: f.envelopeFrom, envelopeTo: f.envelopeTo, text: f.message)
        return OutboxEntry(occurrence: occurrence, staleAt: staleAt, createdAt: createdAt, attempts: f.attempts,
                           nextAttempt: nextAttempt, lastError: f.lastError, message: message)
    }
}
