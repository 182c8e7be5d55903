#if canImport(Glibc)
import Glibc
#endif
import CSystemd
import Foundation

/// Tells the service manager how the daemon is doing, through libsystemd's `sd_notify` (which
/// reads `$NOTIFY_SOCKET`). Every call is a cheap no-op when the variable is unset, so the same
/// code runs under systemd, in a terminal and in tests.
///
/// The protocol the daemon follows: `ready()` once config and channels are up; `status(_:)`
/// whenever the next fire changes; `watchdog()` every half `watchdogTimeout()` from the
/// scheduling queue; `reloading()` when a reload starts, then `ready()` when it is done;
/// `stopping()` on SIGTERM.
public struct SystemdNotifier: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Handed to the service manager.
        case sent
        /// `NOTIFY_SOCKET` is unset: not started by systemd as `Type=notify` (or in a test).
        case notConfigured
        /// The socket refused it; the errno value.
        case failed(Int32)
    }

    public init() {}

    /// Whether there is a service manager listening.
    public var isConfigured: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// Sends raw newline-separated `KEY=value` assignments in one datagram.
    @discardableResult
    public func notify(_ assignments: String) -> Outcome {
        let result = sd_notify(0, assignments)
        if result > 0 { return .sent }
        if result == 0 { return .notConfigured }
        return .failed(-result)
    }

    /// `READY=1`, with a status line in the same message when given.
    @discardableResult
    public func ready(status: String? = nil) -> Outcome {
        notify("READY=1" + (status.map { "\nSTATUS=" + Self.oneLine($0) } ?? ""))
    }

    /// `STATUS=`: what `systemctl --user status gentle` shows, e.g.
    /// `Next: "Breathe" at 14:30 (in 2h 5m)`. Line breaks become spaces: each line of a notify
    /// message is an assignment of its own, so text from a config error must not add any
    /// (nor a NUL, which would cut the message short).
    @discardableResult
    public func status(_ text: String) -> Outcome {
        notify("STATUS=" + Self.oneLine(text))
    }

    /// `RELOADING=1` with the `MONOTONIC_USEC=` systemd 253 and later require for
    /// `Type=notify-reload`; send `ready()` when the reload is done.
    @discardableResult
    public func reloading(monotonicUsec: UInt64 = SystemdNotifier.monotonicMicroseconds()) -> Outcome {
        notify("RELOADING=1\nMONOTONIC_USEC=\(monotonicUsec)")
    }

    /// `STOPPING=1`, sent as shutdown begins.
    @discardableResult
    public func stopping() -> Outcome {
        notify("STOPPING=1")
    }

    /// `WATCHDOG=1`: the keep-alive ping.
    @discardableResult
    public func watchdog() -> Outcome {
        notify("WATCHDOG=1")
    }

    /// The watchdog timeout the service manager expects pings within, when one is set for this
    /// process: `WATCHDOG_USEC` is honoured only when `WATCHDOG_PID` is unset or names this
    /// process (sd_watchdog_enabled checks both). Ping at half of it. Nil when there is no
    /// watchdog or the variables are malformed.
    public static func watchdogTimeout() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    /// CLOCK_MONOTONIC in microseconds, the clock `MONOTONIC_USEC=` is measured on.
    public static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\0" ? " " : $0 })
    }
}

/// The daemon's port to the service manager (Runtime/DaemonPorts.swift).
extension SystemdNotifier: ServiceManagerLink {
    public func send(_ payload: String) {
        notify(payload)
    }

    /// `WATCHDOG_USEC` in seconds, when it is meant for this process; the daemon pings at half.
    public var watchdogInterval: TimeInterval? {
        Self.watchdogTimeout().map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
    }
}
