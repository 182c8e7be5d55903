import Foundation

/// Collects events a component reports from its own queues, for tests to wait on without
/// blocking the test's thread.
public final class EventRecorder<Event: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []

    public init() {}

    public func record(_ event: Event) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    public var all: [Event] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }

    /// The first event matching `predicate`, waiting up to `timeout` seconds for it.
    public func first(within timeout: TimeInterval, where predicate: (Event) -> Bool) async -> Event? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let match = all.first(where: predicate) { return match }
            if Date() >= deadline { return nil }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
public func eventually(within timeout: TimeInterval, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
}
