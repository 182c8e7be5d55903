import ArgumentParser
import Foundation
import GentleCore
import GentleSystem

/// `gentle log`: the reply log for people. By default a calm summary of the last seven days;
/// `--json` and `--csv` export the records themselves, streaming, for other tools.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Look back at your replies, notes and kid dates.",
        discussion: """
            Without --json or --csv: a short summary of today and the six days before (or of \
            --since/--until), in plain sentences: the moments you took, the notes you wrote, the \
            kid dates you had. Days with nothing are left out, and nothing is counted against you.

            --json writes the records as stored (JSON Lines, one object per line) and --csv \
            writes them as CSV (RFC 4180, UTF-8, a header row; columns at, kind, checkin, \
            occurrence, channel, action, note, child, occasion, scheduled, due, reason, error). \
            Both include every kind of record, not only replies: fired, delivered, failed, \
            dropped-stale, skipped, reply, snoozed, expired, dismissed, held, paused, resumed and \
            kinds written by newer versions. Add --replies-only for replies alone. Exports cover \
            the whole log unless --week, --since or --until narrow it.

            Times: "2026-11-24", "2026-11-24 18:00", "yesterday", "-3d" (three days ago), \
            "@EPOCH". --since is included, --until is not: --until 2026-12-01 ends with the last \
            moment of 30 November.
            """
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .long, help: "Today and the six days before (the summary's default).")
    var week = false

    // `.unconditional`: "-3d" is a value here, not an option.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Start here (included).", valueName: "time"))
    var since: String?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("End here (not included; default: now).", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only this check-in (its id, e.g. breathe or kid-date).", valueName: "id"))
    var checkin: String?

    @Flag(name: .long, help: "Write the records as JSON Lines, exactly as stored.")
    var json = false

    @Flag(name: .long, help: "Write the records as CSV.")
    var csv = false

    @Flag(name: .customLong("replies-only"), help: "With --json or --csv: only replies.")
    var repliesOnly = false

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if week && since != nil { throw ValidationError("--week already says where to start; use it or --since, not both") }
        if repliesOnly && !json && !csv {
            throw ValidationError("--replies-only goes with --json or --csv; the summary is about replies already")
        }
        if let checkin, !CheckinID.isValid(checkin) {
            throw ValidationError("--checkin \"\(checkin)\" is not a check-in id; ids look like breathe or kid-date")
        }
    }

    func run() throws {
        let exporting = json || csv
        let config = loadConfigIfAny(quiet: exporting)
        let zone = config?.resolvedTimeZone() ?? TimeZone.current
        let filter = try resolveFilter(zone: zone, exporting: exporting)
        if let checkin, let config, checkin != kidDateCheckinID, config.checkin(id: checkin) == nil {
            Terminal.printError("gentle: note: the config has no check-in \"\(checkin)\"; showing what the log has for it.")
        }
        let path = common.eventLogPath
        var problems = LogReadProblems()
        do {
            if !FileManager.default.fileExists(atPath: path) {
                try noLogYet(path: path, exporting: exporting)
            } else if exporting {
                try export(path: path, filter: filter, zone: zone, problems: &problems)
            } else {
                let titles = Dictionary(config?.checkins.map { ($0.id, $0.title) } ?? [], uniquingKeysWith: { a, _ in a })
                try summarise(path: path, filter: filter, zone: zone, titles: titles, problems: &problems)
            }
        } catch StandardOutputBuffer.Failure.closed {
            return
        } catch StandardOutputBuffer.Failure.failed(let code) {
            Terminal.printError("gentle: could not write the output: \(String(cString: strerror(code)))")
            throw ExitCode(1)
        } catch let error as EventLogError {
            Terminal.printError("gentle: \(error)")
            throw ExitCode(1)
        }
        if let message = problems.message(logPath: path) { Terminal.printError(message) }
    }

    private func summarise(path: String, filter: LogFilter, zone: TimeZone, titles: [String: String],
                           problems: inout LogReadProblems) throws {
        var summarizer = LogSummarizer(start: filter.start ?? .distantPast, end: filter.end ?? Date(), checkin: filter.checkin)
        try EventLogStore.read(path: path) { entry in
            switch entry {
            case .record(let record, _): summarizer.add(record)
            case .problem(let problem): problems.note(problem)
            }
        }
        var out = StandardOutputBuffer()
        out.bytes.append(contentsOf: LogSummaryText(timeZone: zone, titles: titles).render(summarizer.result()).utf8)
        try out.flush()
    }

    private func export(path: String, filter: LogFilter, zone: TimeZone, problems: inout LogReadProblems) throws {
        var out = StandardOutputBuffer()
        if csv { EventCSV.appendHeader(to: &out.bytes) }
        let csv = self.csv
        try EventLogStore.readLines(path: path) { entry, line in
            switch entry {
            case .record(let record, _):
                guard filter.includes(record) else { return }
                if csv {
                    EventCSV.appendRow(record, timeZone: zone, to: &out.bytes)
                } else {
                    // As stored: keys a newer gentle wrote are passed on too.
                    out.bytes.append(contentsOf: line)
                    out.bytes.append(0x0A)
                }
                try out.flushIfFull()
            case .problem(let problem):
                problems.note(problem)
            }
        }
        try out.flush()
    }

    private func noLogYet(path: String, exporting: Bool) throws {
        let sentence = "Nothing to look back on yet: there is no event log at \(path). "
            + "Once gentle is running, your replies and notes will show up here."
        if exporting {
            if csv {
                var out = StandardOutputBuffer()
                EventCSV.appendHeader(to: &out.bytes)
                try out.flush()
            }
            Terminal.printError("gentle: " + sentence)
        } else {
            var out = StandardOutputBuffer()
            out.bytes.append(contentsOf: (sentence + "\n").utf8)
            try out.flush()
        }
    }

    /// The summary covers a week unless told otherwise; exports cover the whole log unless told.
    private func resolveFilter(zone: TimeZone, exporting: Bool) throws -> LogFilter {
        let now = Date()
        let clock = ZoneClock(zone: zone)
        func parse(_ text: String, _ option: String) throws -> Date {
            guard let date = TimeArgument.parse(text, now: now, clock: clock) else {
                throw ValidationError("--\(option) \"\(text)\" is not a time; try \"2026-11-24\", \"2026-11-24 18:00\", \"yesterday\" or \"-3d\"")
            }
            return date
        }
        let end = try until.map { try parse($0, "until") }
        var start = try since.map { try parse($0, "since") }
        if start == nil && (week || !exporting) {
            start = LogWeek.start(endingAt: end ?? now, timeZone: zone)
        }
        if let start, let end, start >= end {
            throw ValidationError("--since must come before --until")
        }
        let summaryEnd = exporting ? end : (end ?? now)
        return LogFilter(start: start, end: summaryEnd, checkin: checkin, repliesOnly: repliesOnly)
    }

    /// Titles for the summary come from the config, but `gentle log` works without one: a
    /// missing default config is silent, a broken one is mentioned once (summary only).
    private func loadConfigIfAny(quiet: Bool) -> GentleConfig? {
        let path = common.configPath
        if common.config == nil && !FileManager.default.fileExists(atPath: path) { return nil }
        do {
            return try ConfigFile(paths: common.paths).load(path)
        } catch {
            if !quiet {
                Terminal.printError("gentle: note: could not read the config (`gentle check` says why); showing check-in ids instead of titles.")
            }
            return nil
        }
    }
}
