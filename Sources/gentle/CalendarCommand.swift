import ArgumentParser
import Foundation
import GentleCore

/// `gentle calendar EXPR…`: systemd-analyze's calendar verb, answered by gentle's own engine.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Normalize calendar expressions and show when they next elapse.",
        discussion: """
            Accepts systemd's OnCalendar= syntax and prints the same lines as \
            `systemd-analyze calendar`, in the zone named by $TZ (or /etc/localtime).
            """
    )

    @Argument(help: "Calendar expressions, e.g. 'Mon..Fri 08:30' or '*-*-01 09:00 Europe/Berlin'.")
    var expressions: [String]

    @Option(name: .customLong("base-time"), help: ArgumentHelp(
        "Compute elapses after this time instead of now (@EPOCH or a timestamp).", valueName: "TIME"))
    var baseTime: String?

    @Option(help: "How many elapses to show per expression.")
    var iterations: UInt = 1

    @Flag(help: .hidden)
    var benchmark = false

    func run() throws {
        let zone = ZoneDirectory.localZone()
        let now = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
        var base = now
        if let baseTime {
            guard let parsed = SystemdTimestamp.parse(baseTime, now: now, localZone: zone) else {
                FileHandle.standardError.write(Data("Failed to parse --base-time= parameter: \(baseTime)\n".utf8))
                throw ExitCode.failure
            }
            base = parsed
        }
        if benchmark {
            try CalendarBenchmark(expressions: expressions, base: base, iterations: Int(iterations), zone: zone).run()
            return
        }
        let analysis = CalendarAnalysis(expressions: expressions, baseTime: base, iterations: Int(iterations),
                                        localZone: zone, now: now,
                                        baseTimeWasConverted: baseTime.map { !$0.hasPrefix("@") } ?? false)
        FileHandle.standardOutput.write(Data(analysis.stdout.utf8))
        FileHandle.standardError.write(Data(analysis.stderr.utf8))
        if !analysis.succeeded { throw ExitCode.failure }
    }
}
