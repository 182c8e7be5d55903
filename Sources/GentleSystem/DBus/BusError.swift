import CSystemd
import Foundation

/// Everything that can go wrong talking to a D-Bus peer, worded for the log.
public enum BusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No bus address: neither `DBUS_SESSION_BUS_ADDRESS` nor `$XDG_RUNTIME_DIR/bus`.
    case noSessionBus
    /// Connecting to the bus failed (daemon not running, socket gone, permission).
    case connectFailed(address: String, errno: Int32)
    /// The connection is closed or was lost; the caller should wait for a reconnect.
    case disconnected
    /// A local sd-bus call failed (`operation` names it, e.g. `sd_bus_message_append_basic`).
    case local(operation: String, errno: Int32)
    /// The peer answered with a D-Bus error (`org.freedesktop.DBus.Error.ServiceUnknown`, …).
    /// Timeouts arrive as `org.freedesktop.DBus.Error.Timeout` or `….NoReply`.
    case remote(name: String, message: String)
    /// The reply had a shape we do not accept.
    case unexpectedReply(member: String, signature: String, expected: String)
    /// A value could not be marshalled (e.g. a string with a NUL byte, an invalid object path).
    case invalidValue(String)

    public var description: String {
        switch self {
        case .noSessionBus:
            return "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and $XDG_RUNTIME_DIR/bus does not exist"
                + " (are you logged in to a desktop session?)"
        case let .connectFailed(address, errno):
            return "cannot connect to the D-Bus session bus at \(address): \(String(cString: strerror(errno)))"
        case .disconnected:
            return "the D-Bus connection is closed"
        case let .local(operation, errno):
            return "\(operation) failed: \(String(cString: strerror(errno)))"
        case let .remote(name, message):
            return message.isEmpty ? name : "\(name): \(message)"
        case let .unexpectedReply(member, signature, expected):
            return "\(member) answered with signature '\(signature)', expected '\(expected)'"
        case .invalidValue(let what):
            return "cannot send \(what) over D-Bus"
        }
    }

    /// The D-Bus error name when the peer answered with one.
    /// The peer's error message, for `.remote`.
    public var remoteMessage: String? {
        if case .remote(_, let message) = self { return message }
        return nil
    }

    public var remoteName: String? {
        if case .remote(let name, _) = self { return name }
        return nil
    }

    /// True when the error means the call never reached a live peer or got no answer in time,
    /// as opposed to the peer refusing it.
    public var isUnreachable: Bool {
        switch self {
        case .disconnected, .connectFailed, .noSessionBus: return true
        case .remote(let name, _): return BusError.unreachableNames.contains(name)
        default: return false
        }
    }

    static let unreachableNames: Set<String> = [
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.NoReply",
        "org.freedesktop.DBus.Error.Timeout",
        "org.freedesktop.DBus.Error.Disconnected",
        "org.freedesktop.DBus.Error.NoServer",
    ]

    /// Builds the error for a negative sd-bus return value.
    static func check(_ result: Int32, _ operation: String) throws {
        if result < 0 { throw BusError.local(operation: operation, errno: -result) }
    }
}

/// Well-known D-Bus error names an exported object answers with.
public enum BusErrorName {
    public static let failed = "org.freedesktop.DBus.Error.Failed"
    public static let invalidArgs = "org.freedesktop.DBus.Error.InvalidArgs"
    public static let unknownMethod = "org.freedesktop.DBus.Error.UnknownMethod"
    public static let unknownInterface = "org.freedesktop.DBus.Error.UnknownInterface"
    public static let accessDenied = "org.freedesktop.DBus.Error.AccessDenied"
    public static let notSupported = "org.freedesktop.DBus.Error.NotSupported"
}
