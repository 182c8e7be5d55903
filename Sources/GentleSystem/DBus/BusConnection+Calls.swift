import CSystemd
import Dispatch
import Foundation

/// What a method call ends with: the reply's body, or why there is none.
public typealias BusReplyHandler = (Result<BusMessage, BusError>) -> Void

extension BusConnection {
    /// The D-Bus daemon itself.
    public static let busDriver = "org.freedesktop.DBus"
    static let busDriverPath = "/org/freedesktop/DBus"

    /// Calls `member` on `destination` asynchronously. `reply` runs on the queue exactly once:
    /// with the reply, with the peer's error, with `org.freedesktop.DBus.Error.Timeout` /
    /// `NoReply` after `timeout` seconds, or with `.disconnected` if the connection closes first.
    /// Errors building or queueing the call are reported through `reply` as well, never thrown,
    /// so a caller has one path to handle.
    public func call(destination: String, path: String, interface: String, member: String,
                     arguments: [BusValue] = [], timeout: TimeInterval,
                     reply: @escaping BusReplyHandler) {
        dispatchPrecondition(condition: .onQueue(queue))
        do {
            let bus = try requireBus()
            var message: OpaquePointer?
            let r = destination.withCString { d in
                path.withCString { p in
                    interface.withCString { i in
                        member.withCString { m in sd_bus_message_new_method_call(bus, &message, d, p, i, m) }
                    }
                }
            }
            if r == -EINVAL { throw BusError.invalidValue("a call to \(destination) \(path) \(interface).\(member)") }
            try BusError.check(r, "sd_bus_message_new_method_call")
            guard let message else { throw BusError.local(operation: "sd_bus_message_new_method_call", errno: ENOMEM) }
            defer { sd_bus_message_unref(message) }
            try BusMessageWriter.append(arguments, to: message)

            let token = PendingCalls.Token()
            pendingCalls.add(token, reply)
            let microseconds = UInt64(max(0.001, timeout) * 1_000_000)
            do {
                _ = try register(label: "\(interface).\(member)", floating: true, onMessage: { [weak self] m in
                    guard let handler = self?.pendingCalls.remove(token) else { return 1 }
                    let parsed: Result<BusMessage, BusError>
                    do {
                        let copied = try BusMessage(copying: m)
                        if let error = copied.error { parsed = .failure(error) } else { parsed = .success(copied) }
                    } catch let error as BusError {
                        parsed = .failure(error)
                    } catch {
                        parsed = .failure(.invalidValue("\(error)"))
                    }
                    handler(parsed)
                    return 1
                }) { slot, userdata in
                    sd_bus_call_async(bus, slot, message, BusCallbackBox.messageTrampoline, userdata, microseconds)
                }
            } catch {
                pendingCalls.remove(token)
                throw error
            }
        } catch {
            // Reported later, never from inside this call, so callers see one shape of control flow.
            let failure = (error as? BusError) ?? .invalidValue("\(error)")
            later { reply(.failure(failure)) }
        }
    }

    /// Emits a signal from `path`. With a `destination` it is unicast to that connection only.
    public func emitSignal(path: String, interface: String, member: String, arguments: [BusValue] = [],
                           destination: String? = nil) throws {
        let bus = try requireBus()
        var message: OpaquePointer?
        let r = path.withCString { p in
            interface.withCString { i in
                member.withCString { m in sd_bus_message_new_signal(bus, &message, p, i, m) }
            }
        }
        try BusError.check(r, "sd_bus_message_new_signal")
        guard let message else { throw BusError.local(operation: "sd_bus_message_new_signal", errno: ENOMEM) }
        defer { sd_bus_message_unref(message) }
        if let destination {
            try BusError.check(destination.withCString { sd_bus_message_set_destination(message, $0) },
                               "sd_bus_message_set_destination")
        }
        try BusMessageWriter.append(arguments, to: message)
        try send(message)
    }

    /// Queues a finished message and makes sure the loop writes it.
    func send(_ message: OpaquePointer) throws {
        let bus = try requireBus()
        try BusError.check(sd_bus_send(bus, message, nil), "sd_bus_send")
        rearm()
    }

    // MARK: Well-known names

    public enum NameRequestResult: UInt32, Sendable {
        case primaryOwner = 1
        case inQueue = 2
        case exists = 3
        case alreadyOwner = 4
    }

    public struct NameRequestFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let allowReplacement = NameRequestFlags(rawValue: 1)
        public static let replaceExisting = NameRequestFlags(rawValue: 2)
        public static let doNotQueue = NameRequestFlags(rawValue: 4)
    }

    /// Asks the bus for a well-known name (`org.freedesktop.DBus.RequestName`).
    public func requestName(_ name: String, flags: NameRequestFlags = [.doNotQueue], timeout: TimeInterval = 10,
                            completion: @escaping (Result<NameRequestResult, BusError>) -> Void) {
        call(destination: Self.busDriver, path: Self.busDriverPath, interface: Self.busDriver, member: "RequestName",
             arguments: [.string(name), .uint32(flags.rawValue)], timeout: timeout) { result in
            completion(result.flatMap { reply in
                guard let code = reply.arguments.first?.uint32Value, let value = NameRequestResult(rawValue: code) else {
                    return .failure(.unexpectedReply(member: "RequestName", signature: reply.signature, expected: "u"))
                }
                return .success(value)
            })
        }
    }

    public func releaseName(_ name: String, timeout: TimeInterval = 10,
                            completion: @escaping (Result<Void, BusError>) -> Void = { _ in }) {
        call(destination: Self.busDriver, path: Self.busDriverPath, interface: Self.busDriver, member: "ReleaseName",
             arguments: [.string(name)], timeout: timeout) { completion($0.map { _ in () }) }
    }

    /// The unique name currently owning `name`, or nil when nobody does.
    public func getNameOwner(_ name: String, timeout: TimeInterval = 10,
                             completion: @escaping (Result<String?, BusError>) -> Void) {
        call(destination: Self.busDriver, path: Self.busDriverPath, interface: Self.busDriver, member: "GetNameOwner",
             arguments: [.string(name)], timeout: timeout) { result in
            switch result {
            case .success(let reply):
                guard let owner = reply.arguments.first?.stringValue else {
                    completion(.failure(.unexpectedReply(member: "GetNameOwner", signature: reply.signature, expected: "s")))
                    return
                }
                completion(.success(owner))
            case .failure(let error) where error.remoteName == "org.freedesktop.DBus.Error.NameHasNoOwner":
                completion(.success(nil))
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }

    /// Well-known names the bus could start on demand (D-Bus activation).
    public func listActivatableNames(timeout: TimeInterval = 10, completion: @escaping (Result<Set<String>, BusError>) -> Void) {
        call(destination: Self.busDriver, path: Self.busDriverPath, interface: Self.busDriver,
             member: "ListActivatableNames", timeout: timeout) { result in
            completion(result.flatMap { reply in
                guard let names = reply.arguments.first?.stringArray else {
                    return .failure(.unexpectedReply(member: "ListActivatableNames", signature: reply.signature, expected: "as"))
                }
                return .success(Set(names))
            })
        }
    }

    /// Asks the bus to start the service that provides `name` (D-Bus activation).
    public func startServiceByName(_ name: String, timeout: TimeInterval,
                                   completion: @escaping (Result<Void, BusError>) -> Void) {
        call(destination: Self.busDriver, path: Self.busDriverPath, interface: Self.busDriver,
             member: "StartServiceByName", arguments: [.string(name), .uint32(0)], timeout: timeout) {
            completion($0.map { _ in () })
        }
    }
}

/// Reply handlers waiting for an answer; drained with `.disconnected` when the connection closes,
/// so no caller waits forever.
final class PendingCalls {
    final class Token: Hashable {
        static func == (a: Token, b: Token) -> Bool { a === b }
        func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    }

    private var handlers: [Token: BusReplyHandler] = [:]

    var count: Int { handlers.count }

    func add(_ token: Token, _ handler: @escaping BusReplyHandler) { handlers[token] = handler }

    @discardableResult
    func remove(_ token: Token) -> BusReplyHandler? { handlers.removeValue(forKey: token) }

    func drain() -> [BusReplyHandler] {
        let all = Array(handlers.values)
        handlers.removeAll()
        return all
    }
}
