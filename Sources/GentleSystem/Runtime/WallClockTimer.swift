import Dispatch
import Foundation

/// The daemon's one scheduling timer: a one-shot Dispatch timer on a wall-clock deadline
/// (CLOCK_REALTIME), so time spent suspended counts and a deadline keeps its meaning.
/// Re-arming replaces the deadline; while disarmed it causes no wake-ups at all.
final class WallClockTimer: @unchecked Sendable {
    private let source: DispatchSourceTimer
    private(set) var deadline: Date?

    /// `handler` runs on `queue`.
    init(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeTimerSource(flags: [], queue: queue)
        source.setEventHandler(handler: handler)
        source.schedule(wallDeadline: .distantFuture)
        source.activate()
    }

    func arm(at date: Date) {
        deadline = date
        source.schedule(wallDeadline: WallClockTimer.wallTime(date), repeating: .never, leeway: .nanoseconds(0))
    }

    func disarm() {
        deadline = nil
        source.schedule(wallDeadline: .distantFuture)
    }

    func cancel() { source.cancel() }

    static func wallTime(_ date: Date) -> DispatchWallTime {
        let t = max(0, date.timeIntervalSince1970)
        let seconds = t.rounded(.down)
        let nanos = Int((t - seconds) * 1_000_000_000)
        return DispatchWallTime(timespec: timespec(tv_sec: Int(seconds), tv_nsec: nanos))
    }
}
