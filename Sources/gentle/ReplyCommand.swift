import ArgumentParser
import Foundation
import GentleCore
import GentleSystem
import Logging

/// `gentle reply [--last | OCCURRENCE] ACTION [NOTE…]`: answer a check-in from the terminal.
/// With the daemon running it goes through the daemon; without, it is appended to the log,
/// which the daemon reads when it starts.
struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply",
        abstract: "Answer a check-in: done, not-now, snooze:30m, took-it, …, with an optional note.",
        discussion: """
            Examples:
              gentle reply --last done "we read a book"
              gentle reply breathe@2026-11-27T14:30:00+01:00 not-now
            """
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .long, help: "Answer the check-in that came last.")
    var last = false

    @Argument(help: ArgumentHelp("[OCCURRENCE] ACTION [NOTE…] (no OCCURRENCE with --last)", valueName: "words"))
    var words: [String] = []

    func validate() throws {
        let needed = last ? 1 : 2
        guard words.count >= needed else {
            throw ValidationError(last ? "say how to answer, e.g. gentle reply --last done \"a note\""
                                       : "name the occurrence and the answer, e.g. gentle reply breathe@2026-11-27T14:30:00+01:00 done (or use --last)")
        }
    }

    func run() throws {
        let occurrence = last ? "last" : words[0]
        let action = last ? words[0] : words[1]
        let note = words.dropFirst(last ? 1 : 2).joined(separator: " ")
        switch ControlClient.call("Reply", [.string(occurrence), .string(action), .string(note)]) {
        case .success(let values):
            print("Noted: \(action) for \(values.first?.stringValue ?? occurrence).")
        case .failure(.notRunning), .failure(.noSessionBus):
            try recordOffline(occurrence: occurrence, action: action, note: note.isEmpty ? nil : note)
        case .failure(let failure):
            Terminal.printError("gentle: \(failure)")
            throw ExitCode(1)
        }
    }

    /// Appends the reply to the log directly, after the same checks the daemon makes.
    private func recordOffline(occurrence text: String, action: String, note: String?) throws {
        let records = EventHistory.records(logPath: common.eventLogPath)
        let occurrence: OccurrenceID
        if text == "last" {
            guard let fired = records.last(where: { $0.kind == .fired })?.occurrence else {
                Terminal.printError("gentle: nothing has fired yet, so there is nothing to answer")
                throw ExitCode(1)
            }
            occurrence = fired
        } else {
            guard let parsed = OccurrenceID(parsing: text) else {
                Terminal.printError("gentle: \"\(text)\" is not an occurrence id; they look like breathe@2026-11-27T14:30:00+01:00 (or use --last)")
                throw ExitCode(1)
            }
            occurrence = parsed
        }
        let offered = try offeredActions(for: occurrence)
        guard let parsedAction = CheckinAction(key: action), offered.contains(parsedAction) || parsedAction == .opened else {
            Terminal.printError("gentle: \"\(action)\" is not a reply \(occurrence.checkin) offers; use one of: \(offered.map(\.key).joined(separator: ", "))")
            throw ExitCode(1)
        }
        let fired = records.last { $0.kind == .fired && $0.occurrence == occurrence }
        var logger = Logger(label: "gentle.reply")
        logger.logLevel = .error
        do {
            let store = try EventLogStore(directory: common.statePath, timeZone: SystemZone.current, logger: logger)
            defer { store.close() }
            let now = Date()
            try store.append(EventRecord(kind: .reply, at: now, occurrence: occurrence, channel: "cli", action: parsedAction.key,
                                         note: ReplyNote.clean(note), child: fired?.child, occasion: fired?.occasion))
            if case .snooze(let duration) = parsedAction {
                try store.append(EventRecord(kind: .snoozed, at: now, occurrence: occurrence, channel: "cli",
                                             until: now.addingTimeInterval(duration.timeInterval)))
            }
        } catch {
            Terminal.printError("gentle: \(error)")
            throw ExitCode(1)
        }
        print("Noted: \(parsedAction.key) for \(occurrence). gentle is not running; it will take this into account when it starts.")
    }

    private func offeredActions(for occurrence: OccurrenceID) throws -> [CheckinAction] {
        if occurrence.checkin == kidDateCheckinID { return [.tookIt, .notThisTime, .closerToTheDay] }
        // Without a readable config the reply is still kept; any well-formed action is accepted.
        guard let config = try? ConfigFile(paths: common.paths).load(common.configPath) else {
            return CheckinConfig.defaultActions
        }
        guard let checkin = config.checkin(id: occurrence.checkin) else {
            Terminal.printError("gentle: there is no check-in \"\(occurrence.checkin)\" in \(common.configPath)")
            throw ExitCode(1)
        }
        return checkin.actions
    }
}
