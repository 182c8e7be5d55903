import Foundation
import CSystemd
import Dispatch

/// A D-Bus match rule (`type='signal',sender='…',…`). The bus daemon filters broadcast signals by
/// it; signals sent *to* us (unicast) arrive whatever it says, so handlers must still check
/// `sender` against who they expect.
public struct BusMatchRule: Sendable, Equatable, CustomStringConvertible {
    public var type: String
    public var sender: String?
    public var path: String?
    public var interface: String?
    public var member: String?
    /// The first argument, when it is a string (e.g. the name in `NameOwnerChanged`).
    public var arg0: String?

    public init(type: String = "signal", sender: String? = nil, path: String? = nil, interface: String? = nil,
                member: String? = nil, arg0: String? = nil) {
        self.type = type
        self.sender = sender
        self.path = path
        self.interface = interface
        self.member = member
        self.arg0 = arg0
    }

    /// The rule in the bus's text syntax, values quoted (an apostrophe becomes `'\''`).
    public var description: String {
        var parts = ["type=" + Self.quote(type)]
        if let sender { parts.append("sender=" + Self.quote(sender)) }
        if let path { parts.append("path=" + Self.quote(path)) }
        if let interface { parts.append("interface=" + Self.quote(interface)) }
        if let member { parts.append("member=" + Self.quote(member)) }
        if let arg0 { parts.append("arg0=" + Self.quote(arg0)) }
        return parts.joined(separator: ",")
    }

    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `NameOwnerChanged` for one well-known name, from the bus daemon.
    public static func nameOwnerChanged(_ name: String) -> BusMatchRule {
        BusMatchRule(sender: BusConnection.busDriver, path: BusConnection.busDriverPath,
                     interface: BusConnection.busDriver, member: "NameOwnerChanged", arg0: name)
    }
}

extension BusConnection {
    /// Installs `rule` (asynchronously: `AddMatch` goes to the bus without waiting) and calls
    /// `handler` on the queue for every matching message. `installed` reports whether the bus
    /// accepted the rule. Messages whose body cannot be read are dropped before the handler.
    public func addMatch(_ rule: BusMatchRule, installed: ((BusError?) -> Void)? = nil,
                         handler: @escaping (BusMessage) -> Void) throws -> BusSlot {
        let bus = try requireBus()
        let text = rule.description
        let logger = self.logger
        let onMessage: (OpaquePointer) -> Int32 = { m in
            do {
                handler(try BusMessage(copying: m))
            } catch {
                logger.debug("ignored a signal we cannot read", metadata: ["bus.match": "\(text)", "error": "\(error)"])
            }
            // 0: other matches may want the same message too.
            return 0
        }
        let onInstalled: (OpaquePointer) -> Void = { m in
            let header = BusMessage.header(of: m)
            if let error = header.error {
                logger.warning("the bus refused a match rule", metadata: ["bus.match": "\(text)", "error": "\(error)"])
            }
            installed?(header.error)
        }
        guard let slot = try register(label: "AddMatch", floating: false, onMessage: onMessage, onInstalled: onInstalled, { slot, userdata in
            text.withCString {
                sd_bus_add_match_async(bus, slot, $0, BusCallbackBox.messageTrampoline,
                                       BusCallbackBox.installTrampoline, userdata)
            }
        }) else { throw BusError.local(operation: "sd_bus_add_match_async", errno: EINVAL) }
        return slot
    }
}
