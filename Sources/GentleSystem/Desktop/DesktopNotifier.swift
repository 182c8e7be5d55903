import Dispatch
import Foundation
import GentleCore
import Logging

/// The desktop channel: freedesktop notifications with action buttons, over the session bus.
///
/// Everything runs on the bus queue; `deliver`, `withdraw` and `shutdown` only hop onto it.
/// The notifier follows who owns `org.freedesktop.Notifications` and, for each server (unique
/// name), asks `GetCapabilities` once. With no server it holds deliveries and sends them when one
/// appears (or starts one by D-Bus activation when the bus can), unless they went stale first.
/// Replies are accepted only from the current owner, as the signal we expect, for a notification
/// we showed and still track, with an action key we offered.
public final class DesktopNotifier: DeliveryChannel, BusClient, @unchecked Sendable {
    public static let serviceName = "org.freedesktop.Notifications"
    public static let objectPath = "/org/freedesktop/Notifications"
    public static let interface = "org.freedesktop.Notifications"

    public struct Options: Sendable {
        /// Icon name or path sent as `app_icon`.
        public var icon = ""
        /// Limit for every call to the notification server.
        public var callTimeout: TimeInterval = 10
        /// How long a delivery may wait silently for the first answer about the server before it is
        /// reported `.held` (so a normal start-up does not log "held" for every delivery).
        public var holdGrace: TimeInterval = 2
        /// After a failed D-Bus activation, wait this long before trying again.
        public var activationRetry: TimeInterval = 600

        public init(icon: String = "", callTimeout: TimeInterval = 10, holdGrace: TimeInterval = 2,
                    activationRetry: TimeInterval = 600) {
            self.icon = icon
            self.callTimeout = callTimeout
            self.holdGrace = holdGrace
            self.activationRetry = activationRetry
        }
    }

    public let channel = Channel.desktop
    let bus: SessionBus
    let ownsBus: Bool
    let settings: DesktopSettings
    let options: Options
    let logger: Logger
    let sink: ChannelEventSink
    private let availableFlag = AvailabilityFlag()

    // Bus-queue state.
    var connection: BusConnection?
    var ownerWatcher: NameOwnerWatcher?
    var signalSlots: [BusSlot] = []
    /// The current owner of the name, once its capabilities are known.
    var server: (name: String, capabilities: NotificationCapabilities)?
    var capabilityCache: [String: NotificationCapabilities] = [:]
    var serverActivatable = false
    var activationInFlight = false
    var lastActivationFailure: Date?
    /// Waiting for a server, in the order they came.
    var held: [HeldDelivery] = []
    /// `Notify` sent, id not back yet.
    var sending: [OccurrenceID: Delivery] = [:]
    var withdrawnWhileSending: Set<OccurrenceID> = []
    /// Shown and not answered yet, by notification id.
    var shown: [UInt32: ShownNotification] = [:]
    var staleTimer: DispatchSourceTimer?
    var graceTimer: DispatchSourceTimer?
    var isShutDown = false
    var reportedAvailable = false

    struct HeldDelivery {
        var delivery: Delivery
        /// Whether `.held` was reported for it already.
        var announced: Bool
        var since: Date
    }

    struct ShownNotification {
        var delivery: Delivery
        var server: String
        var content: NotificationContent
    }

    /// - Parameters:
    ///   - bus: a shared session-bus connection; nil makes (and starts) one just for this channel.
    ///   - sink: receives every `ChannelEvent`, on the bus queue.
    public init(settings: DesktopSettings, bus: SessionBus? = nil, options: Options = Options(), logger: Logger,
                sink: @escaping ChannelEventSink) {
        self.settings = settings
        self.options = options
        self.logger = logger
        self.sink = sink
        if let bus {
            self.bus = bus
            ownsBus = false
        } else {
            self.bus = SessionBus(logger: logger)
            ownsBus = true
        }
        self.bus.add(self)
        if ownsBus { self.bus.start() }
    }

    public var isAvailable: Bool { availableFlag.value }

    var queue: DispatchQueue { bus.queue }

    // MARK: DeliveryChannel

    public func deliver(_ delivery: Delivery) {
        queue.async { [self] in accept(delivery) }
    }

    public func withdraw(_ occurrence: OccurrenceID) {
        queue.async { [self] in remove(occurrence) }
    }

    public func shutdown() {
        queue.async { [self] in shutDownOnQueue() }
    }

    // MARK: Accepting work

    private func accept(_ delivery: Delivery) {
        let occurrence = delivery.occurrence
        guard !isShutDown else {
            logger.debug("delivery after shutdown ignored", metadata: meta(delivery))
            return
        }
        if held.contains(where: { $0.delivery.occurrence == occurrence }) || sending[occurrence] != nil
            || shown.values.contains(where: { $0.delivery.occurrence == occurrence }) {
            logger.debug("already showing or holding this occurrence", metadata: meta(delivery))
            return
        }
        if Date() >= delivery.staleAt {
            sink(.droppedStale(occurrence, .desktop, error: "it was already stale when it reached the desktop channel"))
            return
        }
        if let server {
            send(delivery, to: server.name, capabilities: server.capabilities)
        } else {
            hold(delivery)
        }
    }

    // MARK: Sending

    func send(_ delivery: Delivery, to serverName: String, capabilities: NotificationCapabilities) {
        guard let connection else {
            hold(delivery)
            return
        }
        let content = NotificationContent(delivery: delivery, capabilities: capabilities, settings: settings, icon: options.icon)
        let occurrence = delivery.occurrence
        sending[occurrence] = delivery
        // Sent to the unique name we track, so the id we get back belongs to the server whose
        // signals we will accept.
        connection.call(destination: serverName, path: Self.objectPath, interface: Self.interface, member: "Notify",
                        arguments: content.notifyArguments, timeout: options.callTimeout) { [weak self] result in
            self?.notified(delivery, content: content, server: serverName, result: result)
        }
    }

    private func notified(_ delivery: Delivery, content: NotificationContent, server serverName: String,
                          result: Result<BusMessage, BusError>) {
        let occurrence = delivery.occurrence
        sending[occurrence] = nil
        let withdrawn = withdrawnWhileSending.remove(occurrence) != nil
        switch result {
        case .success(let reply):
            guard reply.signature == "u", let id = reply.arguments.first?.uint32Value else {
                sink(.failed(occurrence, .desktop, error: "Notify answered with signature '\(reply.signature)', expected 'u'"))
                return
            }
            if withdrawn || isShutDown {
                closeNotification(id, on: serverName)
                return
            }
            shown[id] = ShownNotification(delivery: delivery, server: serverName, content: content)
            logger.info("notification shown", metadata: meta(delivery).merging(["notification.id": "\(id)"]) { $1 })
            sink(.delivered(occurrence, .desktop, detail: "notification \(id) from \(serverName)"))
        case .failure(let error):
            if withdrawn || isShutDown { return }
            let nameGone = ["org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner"]
                .contains(error.remoteName ?? "") || error == .disconnected
            if nameGone || server?.name != serverName {
                // The server left between our call and its answer; NameOwnerChanged follows.
                hold(delivery)
            } else {
                logger.warning("the notification server refused a notification",
                               metadata: meta(delivery).merging(["error": "\(error)"]) { $1 })
                sink(.failed(occurrence, .desktop, error: "Notify failed: \(error)"))
            }
        }
    }

    func closeNotification(_ id: UInt32, on serverName: String) {
        connection?.call(destination: serverName, path: Self.objectPath, interface: Self.interface,
                         member: "CloseNotification", arguments: [.uint32(id)], timeout: options.callTimeout) { [weak self] result in
            if case .failure(let error) = result {
                self?.logger.debug("CloseNotification failed", metadata: ["notification.id": "\(id)", "error": "\(error)"])
            }
        }
    }

    // MARK: Withdraw and shutdown

    private func remove(_ occurrence: OccurrenceID) {
        if let index = held.firstIndex(where: { $0.delivery.occurrence == occurrence }) {
            held.remove(at: index)
            armStaleTimer()
            return
        }
        if sending[occurrence] != nil {
            withdrawnWhileSending.insert(occurrence)
            return
        }
        if let (id, entry) = shown.first(where: { $0.value.delivery.occurrence == occurrence }) {
            shown[id] = nil
            closeNotification(id, on: entry.server)
        }
    }

    private func shutDownOnQueue() {
        guard !isShutDown else { return }
        isShutDown = true
        // Buttons on a notification whose sender is gone would do nothing: take them down.
        for (id, entry) in shown { closeNotification(id, on: entry.server) }
        shown.removeAll()
        held.removeAll()
        staleTimer?.cancel()
        staleTimer = nil
        graceTimer?.cancel()
        graceTimer = nil
        if ownsBus {
            bus.stop()
        } else {
            for slot in signalSlots { slot.cancel() }
            signalSlots.removeAll()
            ownerWatcher?.cancel()
            ownerWatcher = nil
        }
        setAvailable(false)
    }

    // MARK: Availability

    func updateAvailability() {
        let activatable = serverActivatable && !activationInFlight && !activationFailedRecently
        setAvailable(!isShutDown && connection != nil && (ownerWatcher?.owner != nil || activatable || activationInFlight))
    }

    var activationFailedRecently: Bool {
        guard let failure = lastActivationFailure else { return false }
        return Date().timeIntervalSince(failure) < options.activationRetry
    }

    private func setAvailable(_ available: Bool) {
        availableFlag.value = available
        guard available != reportedAvailable else { return }
        reportedAvailable = available
        logger.info(available ? "desktop notifications available" : "desktop notifications unavailable")
        sink(.availabilityChanged(.desktop, available: available))
    }

    func meta(_ delivery: Delivery) -> Logger.Metadata {
        ["occurrence": "\(delivery.occurrence.text)", "checkin.id": "\(delivery.checkinID)"]
    }
}

/// `isAvailable` is read from any thread; the bus queue writes it.
final class AvailabilityFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false

    var value: Bool {
        get {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
        set {
            lock.lock()
            stored = newValue
            lock.unlock()
        }
    }
}
