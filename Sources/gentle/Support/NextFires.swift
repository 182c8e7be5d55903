import Foundation
import GentleCore

/// Each check-in's next delivery in words (`next Fri 14:30`), for `gentle check`: a fresh
/// preview of the coming two weeks, as if the daemon started now.
struct NextFires {
    private var firstFire: [String: Date] = [:]
    private let text: StatusText
    private let now: Date

    init(config: GentleConfig, now: Date) {
        let planner = Planner(config: config)
        self.now = now
        text = StatusText(clock: planner.clock)
        let entries = planner.preview(from: now, until: now.addingTimeInterval(14 * 86_400),
                                      limit: max(200, config.checkins.count * 20), state: planner.initialState(at: now))
        for entry in entries {
            guard case .fire = entry.outcome, firstFire[entry.occurrence.checkin] == nil else { continue }
            firstFire[entry.occurrence.checkin] = entry.due
        }
    }

    func words(for checkin: String) -> String? {
        guard let due = firstFire[checkin] else { return "nothing in the next two weeks" }
        return "next " + text.when(due, now: now)
    }
}
