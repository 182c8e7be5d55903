import Dispatch
import Foundation
import GentleSystem
import GentleTestSupport

/// A minimal notification server on its own bus connection, for the paths dunst cannot take:
/// a server without buttons, KDE's inline reply, signals carrying keys we never offered. It
/// records every `Notify` and can emit signals to the client, as a real server would.
final class FakeNotificationServer: @unchecked Sendable {
    struct Notification: Sendable {
        var id: UInt32
        var sender: String
        var arguments: [BusValue]

        var summary: String { arguments[3].stringValue ?? "" }
        var body: String { arguments[4].stringValue ?? "" }
        /// Keys only (every other element of the flat key/label list).
        var actionKeys: [String] {
            let flat = arguments[5].stringArray ?? []
            return stride(from: 0, to: flat.count, by: 2).map { flat[$0] }
        }
        var actionLabels: [String] {
            let flat = arguments[5].stringArray ?? []
            return stride(from: 1, to: flat.count, by: 2).map { flat[$0] }
        }
        func hint(_ name: String) -> BusValue? {
            guard case .dictionary(_, _, let entries) = arguments[6] else { return nil }
            return entries.first { $0.key == .string(name) }?.value.unwrappedVariant
        }
        var expireTimeout: Int32? { arguments[7].int32Value }
    }

    let connection: BusConnection
    let notifications = Inbox<Notification>()
    let closed = Inbox<UInt32>()
    let capabilityCalls = Inbox<String>()
    private var nextID: UInt32 = 1

    private init(connection: BusConnection) {
        self.connection = connection
    }

    /// Connects to `address`, exports the server object and takes the well-known name.
    static func start(address: String, capabilities: [String]) async throws -> FakeNotificationServer {
        let connection = try await connectedBus(address, label: "fake-notifications")
        let server = FakeNotificationServer(connection: connection)
        let owned = Inbox<Bool>()
        _ = try await onQueue(connection.queue) {
            _ = try connection.exportObject(path: "/org/freedesktop/Notifications", interfaces: [
                BusInterface(name: "org.freedesktop.Notifications", methods: [
                    BusMethod("GetCapabilities", outputs: [BusArgument("capabilities", "as")]) { call in
                        server.capabilityCalls.append(call.sender ?? "")
                        call.reply([.stringArray(capabilities)])
                    },
                    BusMethod("GetServerInformation", outputs: [
                        BusArgument("name", "s"), BusArgument("vendor", "s"), BusArgument("version", "s"),
                        BusArgument("spec_version", "s"),
                    ]) { call in
                        call.reply([.string("fake"), .string("gentle tests"), .string("1"), .string("1.2")])
                    },
                    BusMethod("Notify", inputs: [
                        BusArgument("app_name", "s"), BusArgument("replaces_id", "u"), BusArgument("app_icon", "s"),
                        BusArgument("summary", "s"), BusArgument("body", "s"), BusArgument("actions", "as"),
                        BusArgument("hints", "a{sv}"), BusArgument("expire_timeout", "i"),
                    ], outputs: [BusArgument("id", "u")]) { call in
                        let id = server.nextID
                        server.nextID += 1
                        server.notifications.append(Notification(id: id, sender: call.sender ?? "", arguments: call.arguments))
                        call.reply([.uint32(id)])
                    },
                    BusMethod("CloseNotification", inputs: [BusArgument("id", "u")]) { call in
                        if case .uint32(let id) = call.arguments[0] {
                            server.closed.append(id)
                            if let client = call.sender {
                                try? connection.emitSignal(path: "/org/freedesktop/Notifications",
                                                           interface: "org.freedesktop.Notifications",
                                                           member: "NotificationClosed",
                                                           arguments: [.uint32(id), .uint32(3)], destination: client)
                            }
                        }
                        call.reply()
                    },
                ]),
            ])
            connection.requestName("org.freedesktop.Notifications") { owned.append((try? $0.get()) == .primaryOwner) }
        }
        try await owned.wait(for: "the fake server to own the name") { !$0.isEmpty }
        guard owned.all == [true] else { throw DesktopSession.Failure.timeout("the name org.freedesktop.Notifications") }
        return server
    }

    /// Sends a signal to `client` as the server (from the name's owner).
    func emit(_ member: String, _ arguments: [BusValue], to client: String) async throws {
        _ = try await onQueue(connection.queue) {
            try self.connection.emitSignal(path: "/org/freedesktop/Notifications", interface: "org.freedesktop.Notifications",
                                           member: member, arguments: arguments, destination: client)
        }
    }

    func stop() async throws {
        try await closeAll(connection)
    }
}
