import CSystemd
import Dispatch
import Foundation

/// Registrations: how Swift closures become sd-bus callbacks and how long they live.
extension BusConnection {
    func track(_ slot: BusSlot) {
        slots[ObjectIdentifier(slot)] = slot
    }

    func forget(_ slot: BusSlot) {
        slots[ObjectIdentifier(slot)] = nil
    }

    /// Registers a callback through `install` (which gets the slot out-pointer, the C trampoline
    /// and the userdata) and ties the Swift closure's lifetime to the sd-bus slot.
    /// - Parameter floating: the bus owns the slot (pending calls); otherwise a `BusSlot` is returned.
    func register(label: String, floating: Bool, onMessage: @escaping (OpaquePointer) -> Int32,
                  onInstalled: ((OpaquePointer) -> Void)? = nil,
                  _ install: (UnsafeMutablePointer<OpaquePointer?>, UnsafeMutableRawPointer) -> Int32) throws -> BusSlot? {
        dispatchPrecondition(condition: .onQueue(queue))
        guard bus != nil, !closeRequested else { throw BusError.disconnected }
        let box = Unmanaged.passRetained(BusCallbackBox(onMessage: onMessage, onInstalled: onInstalled))
        var slotPointer: OpaquePointer?
        let r = install(&slotPointer, box.toOpaque())
        guard r >= 0, let slotPointer else {
            box.release()
            throw BusError.local(operation: label, errno: r < 0 ? -r : EINVAL)
        }
        sd_bus_slot_set_destroy_callback(slotPointer, BusCallbackBox.releaseTrampoline)
        defer { rearm() }
        if floating {
            sd_bus_slot_set_floating(slotPointer, 1)
            sd_bus_slot_unref(slotPointer)
            return nil
        }
        let slot = BusSlot(pointer: slotPointer, connection: self, label: label)
        track(slot)
        return slot
    }

    /// Runs `work` on the queue later (not re-entrantly), for closures confined to the queue.
    func later(_ work: @escaping () -> Void) {
        let confined = QueueConfined(work)
        queue.async { confined.value() }
    }

    /// The bus pointer for an operation that needs it, or `.disconnected`.
    func requireBus() throws -> OpaquePointer {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let bus, !closeRequested else { throw BusError.disconnected }
        return bus
    }

    /// Internal state for diagnosing a stuck connection.
    public var debugState: String {
        guard let bus else { return "closed" }
        var timeout: UInt64 = 0
        _ = sd_bus_get_timeout(bus, &timeout)
        return "state=\(state) events=\(sd_bus_get_events(bus)) timeout=\(timeout) now=\(BusConnection.monotonicMicroseconds()) "
            + "writeSuspended=\(writeSourceSuspended) timerTarget=\(timerTarget) stats=\(statistics) ready=\(sd_bus_is_ready(bus)) open=\(sd_bus_is_open(bus))"
    }
}
