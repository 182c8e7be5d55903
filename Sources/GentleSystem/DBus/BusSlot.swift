import CSystemd
import Dispatch

/// A registration on a `BusConnection` (signal match, exported object) that stays in force until
/// `cancel()` or until the connection closes. Use it on the connection's queue only.
public final class BusSlot: @unchecked Sendable {
    private var pointer: OpaquePointer?
    private weak var connection: BusConnection?
    public let label: String

    init(pointer: OpaquePointer, connection: BusConnection, label: String) {
        self.pointer = pointer
        self.connection = connection
        self.label = label
    }

    /// Whether it is still registered.
    public var isActive: Bool { pointer != nil }

    /// Removes the registration (the match rule or object goes away; a match's RemoveMatch is sent).
    public func cancel() {
        guard let pointer else { return }
        if let connection { dispatchPrecondition(condition: .onQueue(connection.queue)) }
        self.pointer = nil
        connection?.forget(self)
        sd_bus_slot_unref(pointer)
    }

    /// Called by the connection when it closes; the sd-bus slot must go before the bus itself.
    func release() {
        guard let pointer else { return }
        self.pointer = nil
        sd_bus_slot_unref(pointer)
    }
}

/// The Swift side of an sd-bus callback: `userdata` points at one of these, retained by the slot
/// and released by the slot's destroy callback, so it lives exactly as long as the registration.
final class BusCallbackBox {
    let onMessage: (OpaquePointer) -> Int32
    let onInstalled: ((OpaquePointer) -> Void)?

    init(onMessage: @escaping (OpaquePointer) -> Int32, onInstalled: ((OpaquePointer) -> Void)? = nil) {
        self.onMessage = onMessage
        self.onInstalled = onInstalled
    }

    static let messageTrampoline: sd_bus_message_handler_t = { message, userdata, _ in
        guard let message, let userdata else { return 0 }
        return Unmanaged<BusCallbackBox>.fromOpaque(userdata).takeUnretainedValue().onMessage(message)
    }

    static let installTrampoline: sd_bus_message_handler_t = { message, userdata, _ in
        guard let message, let userdata else { return 0 }
        Unmanaged<BusCallbackBox>.fromOpaque(userdata).takeUnretainedValue().onInstalled?(message)
        // Having an install callback at all is what keeps sd-bus from closing the connection
        // when AddMatch fails; the handler decides what a failure means.
        return 0
    }

    static let releaseTrampoline: sd_bus_destroy_t = { userdata in
        guard let userdata else { return }
        Unmanaged<BusCallbackBox>.fromOpaque(userdata).release()
    }
}

/// Lets a raw pointer cross into a `@Sendable` closure that will only touch it on the bus queue.
struct BusQueuePointer: @unchecked Sendable {
    let raw: OpaquePointer
}

/// Same, for a Dispatch source that is only cancelled from the bus queue.
struct BusQueueSource: @unchecked Sendable {
    let source: DispatchSourceRead
}

/// A value that is only ever used on the bus queue, carried through a `@Sendable` hop.
struct QueueConfined<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
