import Foundation

/// Collects values reported from other queues (channel events, signals, replies) so a test can
/// wait for what it expects with a deadline instead of sleeping a fixed time.
public final class Inbox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []

    public init() {}

    public func append(_ value: Value) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }

    public var all: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }

    public var count: Int { all.count }

    /// Waits until `predicate` holds for the values so far; throws a timeout naming `what`.
    public func wait(for what: String, timeout: TimeInterval = 30,
                     _ predicate: ([Value]) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !predicate(all) {
            if Date() >= deadline {
                throw DesktopSession.Failure.timeout("\(what); got \(all)")
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    /// Waits for the first value satisfying `matches` and returns it.
    @discardableResult
    public func first(_ what: String, timeout: TimeInterval = 30, where matches: (Value) -> Bool) async throws -> Value {
        var found: Value?
        try await wait(for: what, timeout: timeout) { values in
            found = values.first(where: matches)
            return found != nil
        }
        guard let found else { throw DesktopSession.Failure.timeout(what) }
        return found
    }
}
