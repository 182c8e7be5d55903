import ArgumentParser
import Foundation
import GentleCore
import GentleSystem

/// `gentle snooze [--last | OCCURRENCE] DURATION`
struct SnoozeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snooze", abstract: "Bring a check-in back later (outside quiet hours).")

    @Flag(name: .long, help: "Snooze the check-in that came last.")
    var last = false

    @Argument(help: ArgumentHelp("[OCCURRENCE] DURATION, e.g. 30m", valueName: "words"))
    var words: [String] = []

    func validate() throws {
        guard words.count == (last ? 1 : 2) else {
            throw ValidationError("write gentle snooze --last 30m or gentle snooze OCCURRENCE 30m")
        }
        guard GentleDuration(parsing: words[words.count - 1]) != nil else {
            throw ValidationError("\"\(words[words.count - 1])\" is not a duration; write it like 30m, 2h or 1d")
        }
    }

    func run() throws {
        let values = try DaemonCall.call("Snooze", [.string(last ? "last" : words[0]), .string(words[words.count - 1])])
        print("Snoozed until \(DaemonCall.when(values.first) ?? "later").")
    }
}

/// `gentle pause DURATION`
struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause all check-ins for a while (e.g. 2h, 1d).")

    @Argument(help: "How long, e.g. 2h.")
    var duration: String

    func validate() throws {
        guard GentleDuration(parsing: duration) != nil else {
            throw ValidationError("\"\(duration)\" is not a duration; write it like 2h or 1d")
        }
    }

    func run() throws {
        let values = try DaemonCall.call("Pause", [.string(duration)])
        print("Paused until \(DaemonCall.when(values.first) ?? "later"). gentle resume picks up again sooner.")
    }
}

/// `gentle resume`
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "End a pause.")

    func run() throws {
        _ = try DaemonCall.call("Resume")
        print("Resumed.")
    }
}

/// `gentle fire CHECKIN`
struct FireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fire", abstract: "Deliver a check-in right now (to try it out).")

    @Argument(help: "The check-in id, as in the config.")
    var checkin: String

    func run() throws {
        let values = try DaemonCall.call("FireNow", [.string(checkin)])
        print("Delivered \(values.first?.stringValue ?? checkin).")
    }
}

/// `gentle reload`
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Read the config again (like systemctl --user reload gentle).")

    func run() throws {
        let values = try DaemonCall.call("Reload")
        if let problem = values.first?.stringValue, !problem.isEmpty {
            Terminal.printError("gentle: the config was not reloaded; the last good one keeps running:\n\(problem)")
            throw ExitCode(1)
        }
        print("Config reloaded.")
    }
}
