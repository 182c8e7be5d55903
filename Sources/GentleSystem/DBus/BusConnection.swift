import CSystemd
import Dispatch
import Foundation
import Logging

/// One connection to a D-Bus bus (normally the user's session bus) over libsystemd's sd-bus.
///
/// sd-bus is not thread-safe, so a connection lives on one serial `queue`: every method here must
/// be called on it, and every callback runs on it. Nothing polls: a Dispatch read source watches
/// the socket, a write source is resumed only while sd-bus has output queued (`POLLOUT` in
/// `sd_bus_get_events`), and a timer follows `sd_bus_get_timeout` (method-call timeouts). An idle
/// connection therefore costs no wakeups at all.
///
/// When the bus goes away the connection reports it once through `onDisconnect` and is dead from
/// then on; `SessionBus` builds reconnection on top.
public final class BusConnection: @unchecked Sendable {
    public enum State: Sendable, Equatable {
        /// Authenticating / waiting for the reply to `Hello`; calls are queued meanwhile.
        case connecting
        /// `uniqueName` is known.
        case ready
        case closed
    }

    /// Counters for tests and benchmarks: an idle connection must not wake up.
    public struct Statistics: Sendable, Equatable {
        /// How many times a Dispatch source (read, write, timer) or a deferred kick ran the loop.
        public var wakeups = 0
        /// Messages sd-bus handled (`sd_bus_process` returning > 0).
        public var processed = 0
    }

    public let queue: DispatchQueue
    public let address: String
    let logger: Logger
    public private(set) var state: State = .connecting
    /// Our own unique name (`:1.42`), once `state == .ready`.
    public private(set) var uniqueName: String?
    public private(set) var statistics = Statistics()

    /// Called once, on the queue, when the connection is ready (unique name known).
    public var onReady: ((BusConnection) -> Void)?
    /// Called once, on the queue, when the connection closes: `nil` after `close()`, an error when
    /// the bus went away. All slots are gone by then.
    public var onDisconnect: ((BusError?) -> Void)?

    var bus: OpaquePointer?
    private var readSource: DispatchSourceRead?
    private var writeSource: DispatchSourceWrite?
    var writeSourceSuspended = true
    private var timer: DispatchSourceTimer?
    var timerTarget: UInt64 = .max
    private var kickScheduled = false
    private var processing = false
    var closeRequested = false
    private var closeDeadline: UInt64 = .max
    var slots: [ObjectIdentifier: BusSlot] = [:]
    let pendingCalls = PendingCalls()

    /// Opens a connection to `address` (a D-Bus address such as `unix:path=/run/user/1000/bus`)
    /// and starts driving it on `queue`. Must be called on `queue`; set `onReady` and
    /// `onDisconnect` right away (before returning to the queue). Authentication and `Hello`
    /// happen asynchronously; calls made before `onReady` are queued by sd-bus.
    public init(address: String, queue: DispatchQueue, logger: Logger, description: String = "gentle") throws {
        dispatchPrecondition(condition: .onQueue(queue))
        self.queue = queue
        self.address = address
        self.logger = logger

        var newBus: OpaquePointer?
        try BusError.check(sd_bus_new(&newBus), "sd_bus_new")
        guard let newBus else { throw BusError.local(operation: "sd_bus_new", errno: ENOMEM) }
        var r = address.withCString { sd_bus_set_address(newBus, $0) }
        if r >= 0 { r = sd_bus_set_bus_client(newBus, 1) }
        if r >= 0 { r = description.withCString { sd_bus_set_description(newBus, $0) } }
        // A lost bus must be reported to us, never turned into exit().
        if r >= 0 { r = sd_bus_set_exit_on_disconnect(newBus, 0) }
        if r >= 0 { r = sd_bus_start(newBus) }
        if r < 0 {
            sd_bus_close_unref(newBus)
            throw BusError.connectFailed(address: address, errno: -r)
        }
        let fd = sd_bus_get_fd(newBus)
        if fd < 0 {
            sd_bus_close_unref(newBus)
            throw BusError.connectFailed(address: address, errno: -fd)
        }
        bus = newBus
        installSources(fd: fd)
        // Connecting already queued work (auth, Hello): run the loop once, on the next turn of
        // the queue so the caller can set `onReady`/`onDisconnect` first.
        kick()
    }

    deinit {
        // Normally closed explicitly; this only guards against leaking the socket.
        if let bus {
            for slot in slots.values { slot.release() }
            cancelSources(closing: BusQueuePointer(raw: bus))
        }
    }

    private func cancelSources(closing bus: BusQueuePointer) {
        let read = readSource.map(BusQueueSource.init)
        if let read {
            read.source.setCancelHandler { sd_bus_close_unref(bus.raw) }
        } else {
            sd_bus_close_unref(bus.raw)
        }
        if let writeSource {
            writeSource.setCancelHandler { read?.source.cancel() }
            writeSource.cancel()
            // A suspended source never runs its cancel handler (and must not be released).
            if writeSourceSuspended { writeSource.resume() }
        } else {
            read?.source.cancel()
        }
        writeSourceSuspended = false
        timer?.cancel()
        readSource = nil
        writeSource = nil
        timer = nil
    }

    // MARK: The event loop

    private func installSources(fd: Int32) {
        let read = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        read.setEventHandler { [weak self] in self?.wakeUp() }
        let write = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        write.setEventHandler { [weak self] in self?.wakeUp() }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.timerTarget = .max
            self.wakeUp()
        }
        timer.schedule(deadline: .distantFuture)
        readSource = read
        writeSource = write
        self.timer = timer
        read.activate()
        // Write sources start suspended-by-us: activate, then suspend until sd-bus wants POLLOUT.
        write.activate()
        write.suspend()
        writeSourceSuspended = true
        timer.activate()
    }

    private func wakeUp() {
        statistics.wakeups += 1
        pump()
    }

    /// Lets sd-bus do everything it can right now, then re-arms the sources for what it waits on.
    func pump() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let bus, !processing else { return }
        processing = true
        var result: Int32 = 0
        var rounds = 0
        repeat {
            result = sd_bus_process(bus, nil)
            if result > 0 { statistics.processed += 1 }
            rounds += 1
        } while result > 0 && rounds < 256
        processing = false

        if result < 0 {
            lost(errno: -result)
            return
        }
        if state == .connecting, sd_bus_is_ready(bus) > 0 {
            becameReady(bus)
            // onReady may have queued calls or closed the connection.
            guard self.bus != nil else { return }
        }
        if rounds >= 256 {
            // A flood of messages: yield to other work on the queue, then continue.
            kick()
        }
        rearm()
    }

    /// Runs the loop soon (coalesced), e.g. after queueing a message from inside a callback.
    func kick() {
        guard !kickScheduled else { return }
        kickScheduled = true
        queue.async { [weak self] in
            guard let self else { return }
            self.kickScheduled = false
            self.statistics.wakeups += 1
            self.pump()
        }
    }

    /// Points the write source and the timer at what sd-bus is waiting for.
    func rearm() {
        guard let bus else { return }
        if closeRequested {
            finishCloseIfFlushed()
            guard self.bus != nil else { return }
        }
        let events = sd_bus_get_events(bus)
        if events < 0 {
            lost(errno: -events)
            return
        }
        let wantsWrite = (events & Int32(POLLOUT)) != 0
        if wantsWrite, writeSourceSuspended {
            writeSource?.resume()
            writeSourceSuspended = false
        } else if !wantsWrite, !writeSourceSuspended {
            writeSource?.suspend()
            writeSourceSuspended = true
        }

        var timeout: UInt64 = .max
        if sd_bus_get_timeout(bus, &timeout) < 0 { timeout = .max }
        timeout = min(timeout, closeDeadline)
        if timeout != timerTarget {
            timerTarget = timeout
            if timeout == .max {
                timer?.schedule(deadline: .distantFuture)
            } else {
                let now = BusConnection.monotonicMicroseconds()
                let delay = timeout > now ? timeout - now : 0
                timer?.schedule(deadline: .now() + .microseconds(Int(min(delay, UInt64(Int.max)))))
            }
        }
    }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }

    private func becameReady(_ bus: OpaquePointer) {
        var name: UnsafePointer<CChar>?
        // Does not block here: the bus is already running.
        if sd_bus_get_unique_name(bus, &name) >= 0, let name {
            uniqueName = String(cString: name)
        }
        state = .ready
        logger.debug("connected to D-Bus", metadata: ["bus.address": "\(address)", "bus.name": "\(uniqueName ?? "?")"])
        let handler = onReady
        onReady = nil
        handler?(self)
    }

    // MARK: Closing

    /// Closes the connection. Output already queued gets up to `flushTimeout` to be written
    /// (without blocking the queue); `onDisconnect` is then called with `nil`.
    public func close(flushTimeout: TimeInterval = 0.5) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard bus != nil, !closeRequested else { return }
        closeRequested = true
        closeDeadline = BusConnection.monotonicMicroseconds() + UInt64(max(0, flushTimeout) * 1_000_000)
        if processing {
            kick()
        } else {
            pump()
        }
    }

    private func finishCloseIfFlushed() {
        guard let bus else { return }
        let pendingOutput = (sd_bus_get_events(bus) & Int32(POLLOUT)) != 0
        let now = BusConnection.monotonicMicroseconds()
        if !pendingOutput || now >= closeDeadline {
            if pendingOutput { logger.debug("closing D-Bus connection with unsent output") }
            teardown(reporting: nil)
        }
    }

    private func lost(errno: Int32) {
        if closeRequested {
            teardown(reporting: nil)
            return
        }
        if state == .connecting {
            // EPERM here is sd-bus refusing a server whose GUID differs from the address's
            // `guid=`: the address is stale (the bus was restarted).
            let hint = errno == EPERM && address.contains("guid=")
                ? "the bus's GUID does not match the address (stale DBUS_SESSION_BUS_ADDRESS?)" : String(cString: strerror(errno))
            logger.warning("could not complete the D-Bus connection", metadata: ["bus.address": "\(address)", "error": "\(hint)"])
        } else {
            logger.warning("lost the D-Bus connection",
                           metadata: ["bus.address": "\(address)", "error": "\(String(cString: strerror(errno)))"])
        }
        teardown(reporting: .disconnected)
    }

    private func teardown(reporting error: BusError?) {
        guard let bus else { return }
        self.bus = nil
        state = .closed
        // Slots hold references to the bus; drop them first so the bus can actually go away.
        let remaining = slots.values
        slots.removeAll()
        for slot in remaining { slot.release() }

        // The socket may only be closed once Dispatch has let go of it: close in the cancel
        // handlers, after both fd sources are cancelled (write first, then read, then close).
        cancelSources(closing: BusQueuePointer(raw: bus))
        onReady = nil
        for waiting in pendingCalls.drain() { waiting(.failure(.disconnected)) }
        let handler = onDisconnect
        onDisconnect = nil
        handler?(error)
    }
}
