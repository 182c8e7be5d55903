import Foundation
import GentleCore
import Logging

extension Daemon {
    /// Reads the config again. A valid one takes effect at once; a broken one is refused with
    /// its file:line:column message (in the log and STATUS=) and the last good one keeps running.
    public func reload(trigger: String) {
        guard !stopped else { return }
        manager.send("RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())")
        defer { manager.send("READY=1") }
        let fresh: GentleConfig
        do {
            fresh = try loadConfig(options.configPath)
        } catch {
            let text = "\(error)"
            configProblem = text
            logger.error("config not reloaded (\(trigger)): \(text); still running the last good config")
            publishStatus()
            return
        }
        configProblem = nil
        guard fresh != config else {
            logger.info("config unchanged (\(trigger))")
            publishStatus()
            return
        }
        config = fresh
        planner = Planner(config: fresh, timeZone: options.timeZoneOverride ?? Daemon.zone(for: fresh))
        state.setBackoffMax(fresh.backoffMax)
        state.noteCheckins(fresh.checkins.map(\.id) + [kidDateCheckinID], seenAt: now())
        channelSet?.update(for: fresh)
        logger.notice("config reloaded (\(trigger)): \(fresh.checkins.count) check-ins")
        recompute(reason: "reload")
    }
}
