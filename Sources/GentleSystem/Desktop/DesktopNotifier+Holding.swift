import Dispatch
import Foundation
import GentleCore

/// Deliveries waiting for a notification server: when to call them held, when they go stale,
/// and sending them once a server is there.
extension DesktopNotifier {
    func hold(_ delivery: Delivery) {
        held.append(HeldDelivery(delivery: delivery, announced: false, since: Date()))
        armStaleTimer()
        if let reason = noServerReason() {
            announceHeld(reason: reason)
        } else {
            // We do not know yet (bus connecting, owner or capabilities being asked, a server
            // being activated): give it a moment before calling it held.
            armGraceTimer()
        }
        activateServerIfPossible()
    }

    /// Why nothing can be shown right now, when that is settled; nil while still finding out.
    func noServerReason() -> String? {
        guard let connection, connection.state == .ready else { return nil }
        guard let watcher = ownerWatcher, watcher.known else { return nil }
        if watcher.owner != nil { return nil }
        if activationInFlight { return nil }
        return "no notification server is running (nobody owns \(Self.serviceName))"
    }

    func announceHeld(reason: String) {
        for index in held.indices where !held[index].announced {
            held[index].announced = true
            sink(.held(held[index].delivery.occurrence, .desktop, reason: reason))
        }
    }

    func armGraceTimer() {
        guard graceTimer == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + options.holdGrace)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.graceTimer?.cancel()
            self.graceTimer = nil
            let reason = self.noServerReason()
                ?? (self.connection == nil ? "not connected to the session bus" : "waiting for the notification server")
            self.announceHeld(reason: reason)
        }
        graceTimer = timer
        timer.activate()
    }

    /// Drops held deliveries that went stale and re-arms for the next one to go stale.
    func armStaleTimer() {
        staleTimer?.cancel()
        staleTimer = nil
        let now = Date()
        var kept: [HeldDelivery] = []
        for entry in held {
            if now >= entry.delivery.staleAt {
                let waited = Int(now.timeIntervalSince(entry.since).rounded())
                sink(.droppedStale(entry.delivery.occurrence, .desktop,
                                   error: "no notification server for \(waited) s, until it went stale"))
            } else {
                kept.append(entry)
            }
        }
        held = kept
        guard let next = held.map(\.delivery.staleAt).min() else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let seconds = next.timeIntervalSince1970.rounded(.down)
        let deadline = DispatchWallTime(timespec: timespec(tv_sec: Int(seconds),
                                                           tv_nsec: Int((next.timeIntervalSince1970 - seconds) * 1e9)))
        timer.schedule(wallDeadline: deadline)
        timer.setEventHandler { [weak self] in self?.armStaleTimer() }
        staleTimer = timer
        timer.activate()
    }

    /// Sends everything held to the server that just became ready.
    func flushHeld() {
        guard let server else { return }
        let waiting = held
        held.removeAll()
        armStaleTimer()
        let now = Date()
        for entry in waiting {
            if now >= entry.delivery.staleAt {
                sink(.droppedStale(entry.delivery.occurrence, .desktop, error: "the notification server came back too late"))
            } else {
                send(entry.delivery, to: server.name, capabilities: server.capabilities)
            }
        }
    }
}
