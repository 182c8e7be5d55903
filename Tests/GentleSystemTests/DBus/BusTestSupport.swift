import Dispatch
import Foundation
import GentleSystem
import GentleTestSupport
import Logging

/// Runs `body` on `queue` (where bus objects live) and returns its result.
func onQueue<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        queue.async {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
    }
}

/// Opens a connection on a fresh queue and waits until it is ready.
func connectedBus(_ address: String, label: String = "test", logger: Logger = testLogger()) async throws -> BusConnection {
    let queue = DispatchQueue(label: "gentle.test.bus.\(label)")
    let ready = Inbox<String>()
    let connection = try await onQueue(queue) { () -> BusConnection in
        let connection = try BusConnection(address: address, queue: queue, logger: logger, description: label)
        connection.onReady = { ready.append($0.uniqueName ?? "") }
        return connection
    }
    try await ready.wait(for: "\(label) to connect", timeout: 30) { !$0.isEmpty }
    return connection
}

/// Awaits a callback-style bus call made on the connection's queue.
func busCall<T: Sendable>(_ connection: BusConnection,
                          _ start: @escaping @Sendable (BusConnection, @escaping @Sendable (T) -> Void) -> Void) async throws -> T {
    let inbox = Inbox<T>()
    connection.queue.async { start(connection, { inbox.append($0) }) }
    try await inbox.wait(for: "a bus reply", timeout: 30) { !$0.isEmpty }
    guard let value = inbox.all.first else { throw DesktopSession.Failure.timeout("a bus reply") }
    return value
}

func closeAll(_ connections: BusConnection...) async throws {
    for connection in connections {
        _ = try await onQueue(connection.queue) { connection.close() }
    }
}

/// A logger for tests: warnings and up on stderr (everything with GENTLE_TEST_DEBUG=1), and
/// every message into `capture` when given.
func testLogger(_ capture: LogInbox? = nil) -> Logger {
    let debug = ProcessInfo.processInfo.environment["GENTLE_TEST_DEBUG"] != nil
    var logger = Logger(label: "gentle.test") { label in
        var handlers: [LogHandler] = [MinimumLevelHandler(StreamLogHandler.standardError(label: label),
                                                          minimum: debug ? .trace : .warning)]
        if let capture { handlers.append(capture.handler()) }
        return MultiplexLogHandler(handlers)
    }
    logger.logLevel = .trace
    return logger
}

/// Passes on only messages at `minimum` or above, whatever level the logger is set to.
struct MinimumLevelHandler: LogHandler {
    var inner: LogHandler
    let minimum: Logger.Level

    init(_ inner: LogHandler, minimum: Logger.Level) {
        self.inner = inner
        self.minimum = minimum
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level >= minimum else { return }
        inner.log(event: event)
    }
}

/// Keeps every log message so a test can check that something was refused, and why.
final class LogInbox: @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    let entries = Inbox<Entry>()

    func handler() -> LogHandler { Handler(capture: self) }

    private struct Handler: LogHandler {
        let capture: LogInbox
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var flat: [String: String] = [:]
            for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { flat[k] = "\(v)" }
            capture.entries.append(Entry(level: event.level, message: event.message.description, metadata: flat))
        }
    }
}
