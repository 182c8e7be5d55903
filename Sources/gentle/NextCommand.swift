import ArgumentParser
import Foundation
import GentleCore
import GentleSystem

/// `gentle next`: what comes up, in order, after quiet hours, the daily limit and spacing, with
/// what will be let pass and why. Same seeded choices as the daemon, so it shows what will happen.
struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Preview the upcoming check-ins.",
        discussion: """
            Reads the config and, if there is one, the event log (for snoozes, pauses and the \
            room given after a "not now"), and lists what the daemon will deliver next.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "How many entries to show.")
    var count: Int = 10

    @Option(name: .long, help: ArgumentHelp("Start from this moment instead of now (\"2026-11-27 14:30\", \"tomorrow 09:00\", \"@EPOCH\").", valueName: "time"))
    var from: String?

    @Option(name: .long, help: "How many days ahead to look.")
    var days: Int = 7

    @Flag(name: .long, help: "Show only what will be delivered, not what will be let pass.")
    var firesOnly = false

    func validate() throws {
        guard (1...1000).contains(count) else { throw ValidationError("--count must be between 1 and 1000") }
        guard (1...366).contains(days) else { throw ValidationError("--days must be between 1 and 366") }
    }

    func run() throws {
        let config = try common.loadConfigOrExit()
        let planner = Planner(config: config)
        let now = Date()
        var start = now
        if let from {
            guard let parsed = TimeArgument.parse(from, now: now, clock: planner.clock) else {
                throw ValidationError("--from \"\(from)\" is not a time; try \"2026-11-27 14:30\", \"tomorrow 09:00\" or \"@1795786200\"")
            }
            start = parsed
        }
        let state = EventHistory.plannerState(planner: planner, logPath: common.eventLogPath, startedAt: start)
        let entries = planner.preview(from: start, until: start.addingTimeInterval(Double(days) * 86_400),
                                      limit: count, state: state)
        print(PreviewFormatter(clock: planner.clock).render(entries, from: start, showSkipped: !firesOnly), terminator: "")
    }
}
