import ArgumentParser
import Foundation
import GentleCore
import GentleSystem

/// `gentle status`: what the running daemon will do next, and the last few replies.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the next check-in and the last few replies.",
        discussion: "Exits 3 when the daemon is not running, like systemctl status."
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "How many recent replies to show.")
    var replies: Int = 5

    func run() throws {
        let result = ControlClient.call("Status")
        var notRunning: ControlClient.Failure?
        switch result {
        case .success(let values):
            let line = values.first?.stringValue ?? ""
            print("gentle is running. \(line)")
            if let config = values[safe: 6]?.stringValue, let zone = values[safe: 7]?.stringValue {
                print("Config: \(config) · time zone \(zone)")
            }
            if let last = values[safe: 5]?.stringValue, !last.isEmpty {
                print("Last check-in: \(last)")
            }
        case .failure(let failure):
            guard failure == .notRunning || failure == .noSessionBus else {
                Terminal.printError("gentle: \(failure)")
                throw ExitCode(1)
            }
            notRunning = failure
            print("gentle is not running. Start it with: systemctl --user start gentle (or gentle run in a terminal).")
        }
        printRecentReplies()
        if notRunning != nil { throw ExitCode(DaemonCall.exitNotRunning) }
    }

    private func printRecentReplies() {
        let records = EventHistory.records(logPath: common.eventLogPath)
        let recent = records.filter { $0.kind == .reply }.suffix(max(0, replies))
        guard !recent.isEmpty else { return }
        let text = StatusText(clock: ZoneClock(zone: SystemZone.current))
        print("")
        print("Recent replies:")
        for record in recent.reversed() {
            var line = "  \(text.when(record.at, now: Date()))  \(record.checkin ?? "?")  \(record.action ?? "")"
            if let note = record.note { line += " — \"\(note.replacingOccurrences(of: "\n", with: " "))\"" }
            print(line)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
