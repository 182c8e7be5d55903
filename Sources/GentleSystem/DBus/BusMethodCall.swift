import Foundation
import CSystemd
import Dispatch

/// An incoming method call on an exported object. Answer it exactly once, on the bus queue,
/// with `reply` or `fail`; an unanswered call is failed automatically when it is released, so
/// the caller never waits for its timeout.
public final class BusMethodCall: @unchecked Sendable {
    /// Header and arguments. `message.sender` is the caller's unique name, stamped by the bus.
    public let message: BusMessage
    private var pointer: OpaquePointer?
    private weak var connection: BusConnection?
    public private(set) var answered = false

    init(pointer: OpaquePointer, message: BusMessage, connection: BusConnection) {
        self.pointer = sd_bus_message_ref(pointer)
        self.message = message
        self.connection = connection
    }

    deinit {
        guard let pointer else { return }
        let confined = BusQueuePointer(raw: pointer)
        let unanswered = !answered
        let member = message.member ?? "?"
        guard let connection else {
            // The connection is gone, so nothing else can be touching the message.
            sd_bus_message_unref(confined.raw)
            return
        }
        connection.queue.async { [weak connection] in
            if unanswered, let connection {
                BusMethodCall.send(error: BusErrorName.failed, "\(member) was not answered", to: confined.raw,
                                   on: connection)
            }
            sd_bus_message_unref(confined.raw)
        }
    }

    public var arguments: [BusValue] { message.arguments }
    public var sender: String? { message.sender }

    /// Whether the caller wants an answer (the `NO_REPLY_EXPECTED` flag is not set).
    public var expectsReply: Bool {
        guard let pointer else { return false }
        return sd_bus_message_get_expect_reply(pointer) > 0
    }

    /// Answers with `values`, whose signature should match the method's outputs.
    public func reply(_ values: [BusValue] = []) {
        guard let pointer, let connection, !answered else { return }
        dispatchPrecondition(condition: .onQueue(connection.queue))
        answered = true
        guard sd_bus_message_get_expect_reply(pointer) > 0 else { return }
        var reply: OpaquePointer?
        guard sd_bus_message_new_method_return(pointer, &reply) >= 0, let reply else { return }
        defer { sd_bus_message_unref(reply) }
        do {
            try BusMessageWriter.append(values, to: reply)
            try connection.send(reply)
        } catch {
            connection.logger.warning("could not send a D-Bus reply",
                                      metadata: ["bus.member": "\(message.member ?? "?")", "error": "\(error)"])
            BusMethodCall.send(error: BusErrorName.failed, "could not encode the reply: \(error)", to: pointer, on: connection)
        }
    }

    /// Answers with a D-Bus error, e.g. `BusErrorName.invalidArgs` and a sentence saying what to fix.
    public func fail(name: String, message text: String) {
        guard let pointer, let connection, !answered else { return }
        dispatchPrecondition(condition: .onQueue(connection.queue))
        answered = true
        BusMethodCall.send(error: name, text, to: pointer, on: connection)
    }

    private static func send(error name: String, _ text: String, to call: OpaquePointer, on connection: BusConnection) {
        guard sd_bus_message_get_expect_reply(call) > 0 else { return }
        name.withCString { n in
            text.withCString { t in
                var error = sd_bus_error(name: n, message: t, _need_free: 0)
                var reply: OpaquePointer?
                if sd_bus_message_new_method_error(call, &reply, &error) >= 0, let reply {
                    try? connection.send(reply)
                    sd_bus_message_unref(reply)
                }
            }
        }
    }
}

extension BusConnection {
    /// Exports an object at `path` answering the methods of `interfaces`, plus
    /// `org.freedesktop.DBus.Introspectable.Introspect` (generated from the descriptions) and
    /// `org.freedesktop.DBus.Peer` (answered by sd-bus). Calls with a signature other than the
    /// method's inputs get `InvalidArgs` before any handler runs; unknown members get
    /// `UnknownMethod`. Keep the slot; `cancel()` withdraws the object.
    public func exportObject(path: String, interfaces: [BusInterface]) throws -> BusSlot {
        let bus = try requireBus()
        let introspection = BusIntrospection.xml(for: interfaces)
        let onMessage: (OpaquePointer) -> Int32 = { [weak self] m in
            guard let self else { return 0 }
            let header = BusMessage.header(of: m)
            guard header.kind == .methodCall, let member = header.member else { return 0 }
            let methodCall: BusMethodCall
            do {
                methodCall = BusMethodCall(pointer: m, message: try BusMessage(copying: m), connection: self)
            } catch {
                let call = BusMethodCall(pointer: m, message: header, connection: self)
                call.fail(name: BusErrorName.invalidArgs, message: "cannot read the arguments: \(error)")
                return 1
            }
            if header.interface == "org.freedesktop.DBus.Introspectable" || (header.interface == nil && member == "Introspect") {
                if member == "Introspect", header.signature.isEmpty {
                    methodCall.reply([.string(introspection)])
                } else {
                    methodCall.fail(name: BusErrorName.unknownMethod, message: "no method \(member) in org.freedesktop.DBus.Introspectable")
                }
                return 1
            }
            // sd-bus answers org.freedesktop.DBus.Peer and Properties for us when we decline.
            if header.interface?.hasPrefix("org.freedesktop.DBus.") == true { return 0 }
            let candidates = interfaces.filter { header.interface == nil || $0.name == header.interface }
            if candidates.isEmpty, let interface = header.interface {
                methodCall.fail(name: BusErrorName.unknownInterface, message: "\(path) has no interface \(interface)")
                return 1
            }
            guard let method = candidates.lazy.flatMap(\.methods).first(where: { $0.name == member }) else {
                methodCall.fail(name: BusErrorName.unknownMethod,
                                message: "\(path) has no method \(member) in \(header.interface ?? "any interface")")
                return 1
            }
            guard header.signature == method.inputSignature else {
                methodCall.fail(name: BusErrorName.invalidArgs,
                                message: "\(member) takes arguments of type '\(method.inputSignature)', got '\(header.signature)'")
                return 1
            }
            method.handler(methodCall)
            return 1
        }
        guard let slot = try register(label: "sd_bus_add_object(\(path))", floating: false, onMessage: onMessage, { slot, userdata in
            path.withCString { sd_bus_add_object(bus, slot, $0, BusCallbackBox.messageTrampoline, userdata) }
        }) else { throw BusError.local(operation: "sd_bus_add_object", errno: EINVAL) }
        return slot
    }
}
