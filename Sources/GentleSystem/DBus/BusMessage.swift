import Foundation
import CSystemd

/// A received message, copied out of sd-bus so it can be kept and passed between queues.
/// Header fields that the bus daemon fills in (`sender`) can be trusted; everything else,
/// including which signal this claims to be, is whatever the sender wrote.
public struct BusMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case methodCall
        case methodReturn
        case methodError
        case signal
        case other(UInt8)
    }

    public var kind: Kind
    /// Unique name (`:1.42`) of the connection that sent it, as stamped by the bus daemon.
    public var sender: String?
    public var destination: String?
    public var path: String?
    public var interface: String?
    public var member: String?
    /// The body's signature (`us`, `susssasa{sv}i`, …).
    public var signature: String
    public var arguments: [BusValue]
    /// For `.methodError`: the D-Bus error name and text.
    public var errorName: String?
    public var errorMessage: String?

    public init(kind: Kind, sender: String? = nil, destination: String? = nil, path: String? = nil,
                interface: String? = nil, member: String? = nil, arguments: [BusValue] = [],
                errorName: String? = nil, errorMessage: String? = nil) {
        self.kind = kind
        self.sender = sender
        self.destination = destination
        self.path = path
        self.interface = interface
        self.member = member
        self.signature = arguments.busSignature
        self.arguments = arguments
        self.errorName = errorName
        self.errorMessage = errorMessage
    }

    /// Copies header and body out of `m`. Throws when the body holds a type we do not read
    /// (unix fds); header fields are always available through `header(of:)` in that case.
    init(copying m: OpaquePointer) throws {
        self = BusMessage.header(of: m)
        arguments = try BusMessageReader.readAll(m)
    }

    /// Header fields only, body left unread.
    static func header(of m: OpaquePointer) -> BusMessage {
        var type: UInt8 = 0
        _ = sd_bus_message_get_type(m, &type)
        let kind: Kind
        switch Int32(type) {
        case Int32(SD_BUS_MESSAGE_METHOD_CALL): kind = .methodCall
        case Int32(SD_BUS_MESSAGE_METHOD_RETURN): kind = .methodReturn
        case Int32(SD_BUS_MESSAGE_METHOD_ERROR): kind = .methodError
        case Int32(SD_BUS_MESSAGE_SIGNAL): kind = .signal
        default: kind = .other(type)
        }
        func copy(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        var message = BusMessage(kind: kind)
        message.sender = copy(sd_bus_message_get_sender(m))
        message.destination = copy(sd_bus_message_get_destination(m))
        message.path = copy(sd_bus_message_get_path(m))
        message.interface = copy(sd_bus_message_get_interface(m))
        message.member = copy(sd_bus_message_get_member(m))
        message.signature = copy(sd_bus_message_get_signature(m, 1)) ?? ""
        if kind == .methodError, let error = sd_bus_message_get_error(m) {
            message.errorName = copy(error.pointee.name)
            message.errorMessage = copy(error.pointee.message)
        }
        return message
    }

    /// The reply as a `BusError` when it is an error reply.
    public var error: BusError? {
        guard kind == .methodError else { return nil }
        return .remote(name: errorName ?? BusErrorName.failed, message: errorMessage ?? "")
    }
}
