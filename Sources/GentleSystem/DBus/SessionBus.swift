import Dispatch
import Foundation
import Logging

/// Something that lives on the session bus and must set itself up again after a reconnect
/// (install matches, export objects, request names). Called on the bus queue.
public protocol BusClient: AnyObject {
    /// A connection is ready (`uniqueName` known). Everything from an earlier connection is gone.
    func busConnected(_ connection: BusConnection)
    /// The connection closed or was lost; calls on it now fail with `.disconnected`.
    func busDisconnected(_ error: BusError?)
}

/// Keeps one connection to the session bus for the whole daemon and reconnects when the bus goes
/// away (logout/login, dbus-broker restart). Clients (the desktop notifier, the control
/// interface) share the connection and are told when it comes and goes.
public final class SessionBus: @unchecked Sendable {
    public let queue: DispatchQueue
    private let logger: Logger
    private let addressProvider: @Sendable () -> String?
    private let retryDelays: [TimeInterval]
    private var clients: [WeakClient] = []
    private var started = false
    private var stopped = false
    private var failures = 0
    private var retryTimer: DispatchSourceTimer?
    private var socketWatcher: FileChangeWatcher?
    private let environment: [String: String]
    /// The live connection, if any. Read on the queue.
    public private(set) var connection: BusConnection?

    /// - Parameters:
    ///   - address: a fixed D-Bus address; nil resolves the user's session bus each time.
    ///   - retryDelays: waits between connection attempts; the last one repeats.
    public init(address: String? = nil, queue: DispatchQueue = DispatchQueue(label: "gentle.dbus"),
                logger: Logger, retryDelays: [TimeInterval] = [1, 2, 5, 15, 30, 60]) {
        self.queue = queue
        self.logger = logger
        if let address {
            addressProvider = { address }
        } else {
            addressProvider = { SessionBus.sessionBusAddress() }
        }
        self.retryDelays = retryDelays.isEmpty ? [5] : retryDelays
        environment = ProcessInfo.processInfo.environment
    }

    /// No address at all: rather than polling, watch `$XDG_RUNTIME_DIR/bus` and connect when it
    /// appears (a login after the daemon started). Without a runtime directory no session bus
    /// can ever appear for this process, so it says so once and stays quiet.
    private func waitForSessionBus() {
        guard socketWatcher == nil else { return }
        guard let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/"),
              let watcher = FileChangeWatcher(path: runtime + "/bus", queue: queue, logger: logger, debounce: 0.2,
                                              onChange: { [weak self] in self?.connect() }) else {
            logger.notice("no session bus (DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are unset); desktop notifications and gentle status/reply are unavailable")
            return
        }
        logger.notice("no session bus yet; waiting for \(runtime)/bus to appear")
        socketWatcher = watcher
    }

    /// `DBUS_SESSION_BUS_ADDRESS`, else `unix:path=$XDG_RUNTIME_DIR/bus` when that socket exists.
    public static func sessionBusAddress(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let address = environment["DBUS_SESSION_BUS_ADDRESS"], !address.isEmpty { return address }
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            let path = runtime + "/bus"
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK { return "unix:path=" + path }
        }
        return nil
    }

    /// Adds a client. If a connection is up, it hears `busConnected` right away (on the queue).
    public func add(_ client: BusClient) {
        let confined = QueueConfined(client)
        queue.async { [self] in
            clients.append(WeakClient(client: confined.value))
            if let connection, connection.state == .ready { confined.value.busConnected(connection) }
        }
    }

    /// Starts connecting (asynchronously; never blocks the caller).
    public func start() {
        queue.async { [self] in
            guard !started, !stopped else { return }
            started = true
            connect()
        }
    }

    /// Closes the connection for good; clients hear `busDisconnected(nil)`.
    public func stop() {
        queue.async { [self] in
            guard !stopped else { return }
            stopped = true
            socketWatcher?.cancel()
            socketWatcher = nil
            retryTimer?.cancel()
            retryTimer = nil
            connection?.close()
        }
    }

    private func connect() {
        guard !stopped, connection == nil else { return }
        guard let address = addressProvider() else {
            waitForSessionBus()
            return
        }
        socketWatcher?.cancel()
        socketWatcher = nil
        do {
            let connection = try BusConnection(address: address, queue: queue, logger: logger)
            self.connection = connection
            var announced = false
            connection.onReady = { [weak self] ready in
                guard let self else { return }
                announced = true
                self.failures = 0
                self.logger.info("connected to the session bus", metadata: ["bus.name": "\(ready.uniqueName ?? "?")"])
                for client in self.liveClients() { client.busConnected(ready) }
            }
            connection.onDisconnect = { [weak self] error in
                guard let self else { return }
                self.connection = nil
                // Clients only hear about connections they were told about.
                if announced {
                    for client in self.liveClients() { client.busDisconnected(error) }
                }
                if let error, !self.stopped { self.scheduleRetry(after: error) }
            }
        } catch {
            scheduleRetry(after: (error as? BusError) ?? .disconnected)
        }
    }

    private func scheduleRetry(after error: BusError) {
        guard !stopped else { return }
        let delay = retryDelays[min(failures, retryDelays.count - 1)]
        if failures == 0 || failures == retryDelays.count - 1 {
            // Log the first failure and when we settle on the slowest pace, not every attempt.
            logger.notice("session bus unavailable; will retry", metadata: ["error": "\(error)", "retry.seconds": "\(delay)"])
        }
        failures += 1
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + delay)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.retryTimer?.cancel()
            self.retryTimer = nil
            self.connect()
        }
        retryTimer?.cancel()
        retryTimer = timer
        timer.activate()
    }

    private func liveClients() -> [BusClient] {
        clients.removeAll { $0.client == nil }
        return clients.compactMap(\.client)
    }

    private struct WeakClient {
        weak var client: BusClient?
    }
}
