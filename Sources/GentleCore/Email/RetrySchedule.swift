import Foundation

/// When to try a message again after a temporary failure: `first`, then doubling up to `maximum`
/// between tries, for as long as the next try would still come before the occurrence goes stale.
public struct RetrySchedule: Sendable, Equatable {
    public var first: TimeInterval
    public var maximum: TimeInterval

    public init(first: TimeInterval, maximum: TimeInterval) {
        self.first = max(0.001, first)
        self.maximum = max(self.first, maximum)
    }

    /// 1 minute, 2, 4, 8, 16, then every 30 minutes.
    public static let standard = RetrySchedule(first: 60, maximum: 1800)

    /// The pause after the `attempts`-th failed try (1 for the first failure).
    public func delay(afterAttempts attempts: Int) -> TimeInterval {
        var delay = first
        var n = 1
        while n < attempts && delay < maximum {
            delay *= 2
            n += 1
        }
        return min(delay, maximum)
    }

    /// When to try next after the `attempts`-th failure at `failedAt`, or nil when that would be
    /// at or after `staleAt`: the message is then given up as stale.
    public func nextAttempt(afterAttempts attempts: Int, failedAt: Date, staleAt: Date) -> Date? {
        let next = failedAt.addingTimeInterval(delay(afterAttempts: max(1, attempts)))
        return next < staleAt ? next : nil
    }
}
