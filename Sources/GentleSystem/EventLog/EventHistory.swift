import Foundation
import GentleCore
import Logging

/// The log read back for planning: what commands other than the daemon (`gentle next`,
/// `gentle status`) use to see the same state the daemon has.
public enum EventHistory {
    /// Records of the log at `path` (missing file: none). Unreadable lines are skipped here;
    /// the daemon reports them when it opens the log.
    public static func records(logPath: String) -> [EventRecord] {
        (try? EventLogStore.readAll(path: logPath).records) ?? []
    }

    /// The planner's state rebuilt from the log, as a daemon started at `startedAt` would have it.
    public static func plannerState(planner: Planner, logPath: String, startedAt: Date) -> PlannerState {
        Daemon.rebuildState(planner: planner, history: records(logPath: logPath), startedAt: startedAt)
    }
}
