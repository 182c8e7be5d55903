import Dispatch
import Foundation
import GentleSystem
import GentleTestSupport
import Testing

/// BusConnection against a real, private dbus-daemon.
@Suite struct BusConnectionTests {
    @Test func connectsAndCallsTheBusDaemon() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let connection = try await connectedBus(session.busAddress)
            let name = try await onQueue(connection.queue) { connection.uniqueName }
            #expect(name?.hasPrefix(":") == true)

            let reply = try await busCall(connection) { (c, done: @escaping @Sendable (Result<BusMessage, BusError>) -> Void) in
                c.call(destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus",
                       member: "ListNames", timeout: 5, reply: done)
            }
            let names = try reply.get().arguments.first?.stringArray ?? []
            #expect(names.contains("org.freedesktop.DBus"))
            #expect(names.contains(name ?? "-"))

            let missing = try await busCall(connection) { (c, done: @escaping @Sendable (Result<String?, BusError>) -> Void) in
                c.getNameOwner("org.example.Nobody", completion: done)
            }
            #expect(try missing.get() == nil)
            try await closeAll(connection)
        }
    }

    @Test func aCallWithoutAnswerTimesOut() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let server = try await connectedBus(session.busAddress, label: "silent")
            let client = try await connectedBus(session.busAddress, label: "client")
            let held = Inbox<BusMethodCall>()
            let serverName = try await onQueue(server.queue) { () -> String in
                // Keeps every call without answering, like a hung notification server.
                _ = try server.exportObject(path: "/org/example/Silent", interfaces: [
                    BusInterface(name: "org.example.Silent", methods: [BusMethod("Wait") { held.append($0) }]),
                ])
                return server.uniqueName ?? ""
            }
            let started = Date()
            let result = try await busCall(client) { (c, done: @escaping @Sendable (Result<BusMessage, BusError>) -> Void) in
                c.call(destination: serverName, path: "/org/example/Silent", interface: "org.example.Silent",
                       member: "Wait", timeout: 0.3, reply: done)
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(held.count == 1)
            guard case .failure(let error) = result else {
                Issue.record("expected a timeout, got \(result)")
                return
            }
            #expect(error.isUnreachable, "\(error)")
            #expect(elapsed >= 0.29 && elapsed < 5, "timed out after \(elapsed) s")
            try await closeAll(client, server)
        }
    }

    @Test func exportedObjectAnswersBusctl() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let server = try await connectedBus(session.busAddress, label: "server")
            let requested = Inbox<Result<BusConnection.NameRequestResult, BusError>>()
            _ = try await onQueue(server.queue) {
                let slot = try server.exportObject(path: "/org/example/Gentle", interfaces: [
                    BusInterface(name: "org.example.Gentle", methods: [
                        BusMethod("Echo", inputs: [BusArgument("text", "s"), BusArgument("times", "u")],
                                  outputs: [BusArgument("echoed", "as")]) { call in
                            guard case .string(let text) = call.arguments[0], case .uint32(let times) = call.arguments[1],
                                  times <= 10 else {
                                call.fail(name: BusErrorName.invalidArgs, message: "times must be at most 10")
                                return
                            }
                            call.reply([.stringArray(Array(repeating: text, count: Int(times)))])
                        },
                    ], signals: [BusSignal("Changed", arguments: [BusArgument("what", "s")])]),
                ])
                server.requestName("org.example.Gentle") { requested.append($0) }
                return slot.isActive
            }
            try await requested.wait(for: "RequestName") { !$0.isEmpty }
            #expect(try requested.all[0].get() == .primaryOwner)

            let address = session.busAddress
            func busctl(_ args: [String]) async throws -> RunResult {
                try await DesktopSession.offload {
                    try RunResult.run("/usr/bin/busctl", ["--user"] + args, environment: ["DBUS_SESSION_BUS_ADDRESS": address])
                }
            }
            let echo = try await busctl(["call", "org.example.Gentle", "/org/example/Gentle", "org.example.Gentle", "Echo",
                                   "su", "hi there", "2"])
            #expect(echo.status == 0, "\(echo.stderr)")
            #expect(echo.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "as 2 \"hi there\" \"hi there\"")

            let refused = try await busctl(["call", "org.example.Gentle", "/org/example/Gentle", "org.example.Gentle", "Echo",
                                      "su", "x", "99"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("times must be at most 10"))

            let wrongType = try await busctl(["call", "org.example.Gentle", "/org/example/Gentle", "org.example.Gentle", "Echo",
                                        "s", "x"])
            #expect(wrongType.status != 0)
            #expect(wrongType.stderr.contains("'su'"), "\(wrongType.stderr)")

            let unknown = try await busctl(["call", "org.example.Gentle", "/org/example/Gentle", "org.example.Gentle", "Nope"])
            #expect(unknown.status != 0)

            let introspect = try await busctl(["introspect", "org.example.Gentle", "/org/example/Gentle"])
            #expect(introspect.status == 0, "\(introspect.stderr)")
            #expect(introspect.stdout.contains(".Echo"))
            #expect(introspect.stdout.contains("su"))
            #expect(introspect.stdout.contains(".Changed"))

            let ping = try await busctl(["call", "org.example.Gentle", "/org/example/Gentle", "org.freedesktop.DBus.Peer", "Ping"])
            #expect(ping.status == 0, "\(ping.stderr)")
            try await closeAll(server)
        }
    }

    @Test func signalMatchesFilterByMemberAndReportTheSender() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let emitter = try await connectedBus(session.busAddress, label: "emitter")
            let listener = try await connectedBus(session.busAddress, label: "listener")
            let received = Inbox<BusMessage>()
            let installed = Inbox<String>()
            let emitterName = try await onQueue(emitter.queue) { emitter.uniqueName ?? "" }
            _ = try await onQueue(listener.queue) {
                try listener.addMatch(BusMatchRule(path: "/org/example/Thing", interface: "org.example.Thing", member: "Poked"),
                                      installed: { installed.append($0.map { "\($0)" } ?? "ok") }) { received.append($0) }
            }
            try await installed.wait(for: "AddMatch") { !$0.isEmpty }
            #expect(installed.all == ["ok"])
            _ = try await onQueue(emitter.queue) {
                try emitter.emitSignal(path: "/org/example/Thing", interface: "org.example.Thing", member: "Other",
                                       arguments: [.string("ignored")])
                try emitter.emitSignal(path: "/org/example/Thing", interface: "org.example.Thing", member: "Poked",
                                       arguments: [.uint32(7), .string("hello")])
            }
            let poke = try await received.first("Poked") { $0.member == "Poked" }
            #expect(poke.sender == emitterName)
            #expect(poke.signature == "us")
            #expect(poke.arguments == [.uint32(7), .string("hello")])
            #expect(!received.all.contains { $0.member == "Other" })
            try await closeAll(emitter, listener)
        }
    }

    @Test func nameOwnerWatcherFollowsOwnersAndIgnoresForgedChanges() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let watcherBus = try await connectedBus(session.busAddress, label: "watcher")
            let owner = try await connectedBus(session.busAddress, label: "owner")
            let changes = Inbox<String>()
            let watcherName = try await onQueue(watcherBus.queue) { watcherBus.uniqueName ?? "" }
            let watcher = try await onQueue(watcherBus.queue) {
                try NameOwnerWatcher(name: "org.example.Watched", connection: watcherBus) { _, new in
                    changes.append(new ?? "-")
                }
            }
            try await changes.wait(for: "first answer") { $0 == ["-"] }

            let ownerName = try await onQueue(owner.queue) { owner.uniqueName ?? "" }
            _ = try await busCall(owner) { (c, done: @escaping @Sendable (Result<BusConnection.NameRequestResult, BusError>) -> Void) in
                c.requestName("org.example.Watched", completion: done)
            }
            try await changes.wait(for: "owner appears") { $0 == ["-", ownerName] }

            // A forged NameOwnerChanged sent straight to the watcher must not move the owner.
            try await session.sendSignal(destination: watcherName, path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus",
                                   member: "NameOwnerChanged",
                                   arguments: ["string:org.example.Watched", "string:\(ownerName)", "string:\(watcherName)"])
            try await closeAll(owner)
            try await changes.wait(for: "owner leaves") { $0 == ["-", ownerName, "-"] }
            let current = try await onQueue(watcherBus.queue) { watcher.owner }
            #expect(current == nil)
            try await closeAll(watcherBus)
        }
    }

    @Test func reportsTheBusGoingAwayAndFailsPendingCalls() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let server = try await connectedBus(session.busAddress, label: "server")
            let client = try await connectedBus(session.busAddress, label: "client")
            let held = Inbox<BusMethodCall>()
            let serverName = try await onQueue(server.queue) { () -> String in
                _ = try server.exportObject(path: "/w", interfaces: [
                    BusInterface(name: "org.example.W", methods: [BusMethod("Wait") { held.append($0) }]),
                ])
                return server.uniqueName ?? ""
            }
            let disconnected = Inbox<String>()
            let reply = Inbox<Result<BusMessage, BusError>>()
            _ = try await onQueue(client.queue) {
                client.onDisconnect = { disconnected.append($0.map { "\($0)" } ?? "closed") }
                client.call(destination: serverName, path: "/w", interface: "org.example.W", member: "Wait",
                            timeout: 60) { reply.append($0) }
            }
            try await held.wait(for: "the call to arrive") { $0.count == 1 }
            try await session.stopBus()
            try await disconnected.wait(for: "disconnect") { !$0.isEmpty }
            #expect(disconnected.all == ["\(BusError.disconnected)"])
            try await reply.wait(for: "the pending call to fail") { !$0.isEmpty }
            if case .success = reply.all[0] { Issue.record("a call on a dead bus succeeded") }
            let state = try await onQueue(client.queue) { client.state }
            #expect(state == .closed)
        }
    }

    @Test func sessionBusReconnectsWhenTheBusComesBack() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let client = RecordingBusClient()
            let bus = SessionBus(address: session.busAddress, logger: testLogger(), retryDelays: [0.1, 0.2])
            bus.add(client)
            bus.start()
            try await client.events.wait(for: "first connection") { $0.count == 1 }
            try await session.stopBus()
            try await client.events.wait(for: "disconnect") { $0.count == 2 }
            try await session.startBus()
            try await client.events.wait(for: "reconnect") { $0.count == 3 }
            let events = client.events.all
            #expect(events[0].hasPrefix("connected :"))
            #expect(events[1] == "disconnected \(BusError.disconnected)")
            #expect(events[2].hasPrefix("connected :"))
            bus.stop()
            try await client.events.wait(for: "stop") { $0.count == 4 }
            #expect(client.events.all[3] == "disconnected nil")
        }
    }

    @Test func anIdleConnectionDoesNotWakeUp() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let connection = try await connectedBus(session.busAddress)
            let installed = Inbox<Bool>()
            _ = try await onQueue(connection.queue) {
                try connection.addMatch(.nameOwnerChanged("org.example.Quiet"), installed: { installed.append($0 == nil) }) { _ in }
            }
            try await installed.wait(for: "AddMatch") { !$0.isEmpty }
            try await Task.sleep(nanoseconds: 200_000_000)
            let before = try await onQueue(connection.queue) { connection.statistics }
            try await Task.sleep(nanoseconds: 2_000_000_000)
            let after = try await onQueue(connection.queue) { connection.statistics }
            #expect(after.wakeups == before.wakeups, "woke up \(after.wakeups - before.wakeups) times while idle")
            try await closeAll(connection)
        }
    }
    /// Many connections opening and closing at once, while other programs start and stop: every
    /// one must become ready (this caught `onReady` firing before the caller could set it).
    @Test func connectionsOpenedConcurrentlyAllBecomeReady() async throws {
        try await DesktopSession.with(.busOnly) { session in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for _ in 0..<10 { _ = try await DesktopSession.offload { try RunResult.run("/bin/true", []) } }
                }
                for worker in 0..<6 {
                    group.addTask {
                        for round in 0..<8 {
                            let queue = DispatchQueue(label: "gentle.test.concurrent.\(worker)")
                            let ready = Inbox<String>()
                            let connection = try await onQueue(queue) { () -> BusConnection in
                                let c = try BusConnection(address: session.busAddress, queue: queue, logger: testLogger())
                                c.onReady = { ready.append($0.uniqueName ?? "") }
                                return c
                            }
                            do {
                                try await ready.wait(for: "connection \(worker)/\(round)", timeout: 30) { !$0.isEmpty }
                            } catch {
                                let state = try await onQueue(queue) { connection.debugState }
                                Issue.record("connection \(worker)/\(round) never became ready: \(state)")
                            }
                            _ = try await onQueue(queue) { connection.close() }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}

final class RecordingBusClient: BusClient, @unchecked Sendable {
    let events = Inbox<String>()
    func busConnected(_ connection: BusConnection) { events.append("connected \(connection.uniqueName ?? "?")") }
    func busDisconnected(_ error: BusError?) { events.append("disconnected \(error.map { "\($0)" } ?? "nil")") }
}
