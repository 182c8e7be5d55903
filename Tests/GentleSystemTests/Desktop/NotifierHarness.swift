import Dispatch
import Foundation
import GentleCore
import GentleSystem
import GentleTestSupport
import Logging

/// A DesktopNotifier on a DesktopSession's bus, with every ChannelEvent and log line recorded.
final class NotifierHarness: @unchecked Sendable {
    let session: DesktopSession
    let bus: SessionBus
    let notifier: DesktopNotifier
    let events = Inbox<ChannelEvent>()
    let logs = LogInbox()

    init(_ session: DesktopSession, settings: DesktopSettings = DesktopSettings(),
         options: DesktopNotifier.Options = DesktopNotifier.Options(holdGrace: 0.5)) {
        self.session = session
        let logger = testLogger(logs)
        bus = SessionBus(address: session.busAddress, queue: DispatchQueue(label: "gentle.test.desktop"), logger: logger,
                         retryDelays: [0.1, 0.2, 0.5])
        let events = self.events
        notifier = DesktopNotifier(settings: settings, bus: bus, options: options, logger: logger) { events.append($0) }
        bus.start()
    }

    func stop() {
        notifier.shutdown()
        bus.stop()
    }

    /// Our connection's unique name, once connected.
    func uniqueName() async throws -> String {
        try await waitUntilAsync("the notifier to connect") {
            try await onQueue(self.bus.queue) { self.bus.connection?.uniqueName } != nil
        }
        return try await onQueue(bus.queue) { self.bus.connection?.uniqueName ?? "" }
    }

    /// Waits for `.delivered` of `occurrence` and returns the notification id it reported.
    @discardableResult
    func delivered(_ occurrence: OccurrenceID, timeout: TimeInterval = 30) async throws -> UInt32 {
        let event = try await events.first("\(occurrence) delivered", timeout: timeout) {
            if case .delivered(occurrence, .desktop, _) = $0 { return true }
            return false
        }
        guard case .delivered(_, _, let detail?) = event,
              let id = detail.split(separator: " ").dropFirst().first.flatMap({ UInt32($0) }) else {
            throw DesktopSession.Failure.timeout("a notification id in \(event)")
        }
        return id
    }

    /// Events about `occurrence` other than `.delivered`/`.held` (the answers).
    func answers(for occurrence: OccurrenceID) -> [ChannelEvent] {
        events.all.filter { event in
            switch event {
            case .reply(occurrence, _, _, _), .expired(occurrence, _), .dismissed(occurrence, _): return true
            default: return false
            }
        }
    }
}

private let deliveryCounter = Counter()
private let deliveryBase = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

/// A check-in occurrence ready to show, with a unique occurrence id.
func makeDelivery(_ checkin: String = "breathe", title: String = "Take a breath",
                  body: String = "Breathe in slowly… and out. You are a growing parent, not a guilty one.",
                  ask: String? = nil, actions: [CheckinAction] = CheckinConfig.defaultActions,
                  staleIn: TimeInterval = 3600) -> Delivery {
    let now = Date()
    // Distinct scheduled seconds so two deliveries never share an occurrence id.
    let scheduled = deliveryBase.addingTimeInterval(-Double(deliveryCounter.next()))
    let occurrence = OccurrenceID(checkin: checkin, scheduled: scheduled, timeZone: TimeZone(identifier: "Europe/Berlin") ?? .current)
    return Delivery(occurrence: occurrence, title: title, body: body, ask: ask, actions: actions, due: now,
                    staleAt: now.addingTimeInterval(staleIn))
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// Polls an async condition every 20 ms until it holds.
func waitUntilAsync(_ what: String, timeout: TimeInterval = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try await condition() { return }
        if Date() >= deadline { throw DesktopSession.Failure.timeout(what) }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
}
