// A tiny process around one EmailChannel, so tests can kill -9 or SIGTERM a real sender
// mid-send and check what the outbox kept. Not shipped; built with the tests.
//
//   GentleEmailProbe --state-dir DIR --url URL [--timeout SECONDS] [--stale-in SECONDS] [--checkin ID] [--no-deliver]
//
// Prints one line per channel event ("EVENT delivered …"), "QUEUED" once the message is in the
// outbox, and "SHUTDOWN" after a SIGTERM; exits 0 after the first final event or the shutdown.
import Foundation
import GentleCore
import GentleSystem
import Logging

final class Probe: @unchecked Sendable {
    let arguments: [String: String]
    let flags: Set<String>
    var signalSource: DispatchSourceSignal?

    init(_ argv: [String]) {
        var arguments: [String: String] = [:]
        var flags: Set<String> = []
        var i = 0
        while i < argv.count {
            let key = argv[i]
            if key == "--no-deliver" {
                flags.insert(key)
            } else if i + 1 < argv.count {
                arguments[key] = argv[i + 1]
                i += 1
            }
            i += 1
        }
        self.arguments = arguments
        self.flags = flags
    }

    func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func run() throws {
        guard let stateDirectory = arguments["--state-dir"], let url = arguments["--url"] else {
            FileHandle.standardError.write(Data("usage: GentleEmailProbe --state-dir DIR --url URL\n".utf8))
            exit(64)
        }
        var settings = EmailSettings(to: "parent@example.org", from: "gentle <gentle@example.org>", url: url)
        settings.starttls = false
        settings.timeout = GentleDuration(seconds: Int64(arguments["--timeout"] ?? "5") ?? 5)
        var logger = Logger(label: "gentle.probe") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .debug
        let channel = try EmailChannel.make(
            settings: settings, stateDirectory: stateDirectory, timeZone: TimeZone(secondsFromGMT: 0) ?? .current,
            logger: logger, retrySchedule: RetrySchedule(first: 0.5, maximum: 1),
            sink: { [self] event in
                say("EVENT \(event)")
                switch event {
                case .delivered, .failed, .droppedStale: exit(0)
                default: break
                }
            })

        signal(SIGTERM, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        source.setEventHandler { [self] in
            channel.shutdown()
            say("SHUTDOWN")
            exit(0)
        }
        source.resume()
        signalSource = source

        if !flags.contains("--no-deliver") {
            let now = Date()
            let occurrence = OccurrenceID(checkin: arguments["--checkin"] ?? "breathe", scheduled: now,
                                          timeZone: TimeZone(secondsFromGMT: 0) ?? .current)
            let staleIn = Double(arguments["--stale-in"] ?? "120") ?? 120
            channel.deliver(Delivery(occurrence: occurrence, title: "Ein Atemzug 🌿", body: "Breathe in for four, out for six.",
                                     actions: CheckinConfig.defaultActions, due: now, staleAt: now.addingTimeInterval(staleIn)))
            while !channel.pendingOccurrences.contains(occurrence) { usleep(1000) }
            say("QUEUED \(occurrence)")
        }
    }
}

let probe = Probe(Array(CommandLine.arguments.dropFirst()))
do {
    try probe.run()
} catch {
    FileHandle.standardError.write(Data("probe: \(error)\n".utf8))
    exit(1)
}
dispatchMain()
