import Foundation
import Dispatch
import Logging

/// Follows which connection owns a well-known name: `GetNameOwner` once, then every
/// `NameOwnerChanged` from the bus daemon. Only changes the daemon itself sent count: anyone can
/// send a signal named `NameOwnerChanged` to us.
public final class NameOwnerWatcher: @unchecked Sendable {
    public let name: String
    /// The unique name of the current owner, nil when there is none (or before the first answer).
    public private(set) var owner: String?
    /// Whether the first answer (from `GetNameOwner` or a change) has arrived.
    public private(set) var known = false
    private var slot: BusSlot?
    private let onChange: (_ old: String?, _ new: String?) -> Void

    /// Starts watching on `connection` (call on its queue). `onChange` runs on the queue whenever
    /// the owner changes, and once when it is first known (with `old == nil`).
    public init(name: String, connection: BusConnection, timeout: TimeInterval = 10,
                onChange: @escaping (_ old: String?, _ new: String?) -> Void) throws {
        self.name = name
        self.onChange = onChange
        // Match first, then ask: the bus answers in order, so no change can fall in between.
        slot = try connection.addMatch(.nameOwnerChanged(name)) { [weak self] message in
            self?.handle(message)
        }
        connection.getNameOwner(name, timeout: timeout) { [weak self] result in
            guard let self, self.slot?.isActive == true else { return }
            switch result {
            case .success(let current):
                self.update(to: current)
            case .failure(let error):
                connection.logger.warning("could not ask who owns a bus name", metadata: ["bus.name": "\(name)", "error": "\(error)"])
                if !self.known { self.update(to: nil) }
            }
        }
    }

    public func cancel() {
        slot?.cancel()
        slot = nil
    }

    private func handle(_ message: BusMessage) {
        guard message.sender == BusConnection.busDriver, message.signature == "sss",
              message.arguments.count == 3,
              message.arguments[0].stringValue == name,
              let newOwner = message.arguments[2].stringValue else { return }
        update(to: newOwner.isEmpty ? nil : newOwner)
    }

    private func update(to newOwner: String?) {
        let wasKnown = known
        known = true
        guard !wasKnown || newOwner != owner else { return }
        let old = owner
        owner = newOwner
        onChange(old, newOwner)
    }
}
