import Foundation
import GentleCore
import GentleSystem
import Logging

/// `gentle-test-tool email-send --state-dir DIR --url URL [--timeout S] [--stale-in S] [--checkin ID] [--no-deliver]`
///
/// A process around one EmailChannel, so tests can kill -9 or SIGTERM a real sender mid-send and
/// check what the outbox kept. Prints "QUEUED OCCURRENCE" once the message is in the outbox, one
/// "EVENT …" line per channel event, "SHUTDOWN" after a SIGTERM (handled by channel.shutdown());
/// exits 0 after the first final event or the shutdown.
final class EmailSendProbe: @unchecked Sendable {
    private var options: [String: String] = [:]
    private var deliver = true
    private var signalSource: DispatchSourceSignal?

    init(_ arguments: [String]) {
        var parsed: [String: String] = [:]
        var rest = arguments[...]
        while let key = rest.popFirst() {
            if key == "--no-deliver" {
                deliver = false
            } else if let value = rest.popFirst() {
                parsed[key] = value
            }
        }
        options = parsed
    }

    func run() -> Never {
        guard let stateDirectory = options["--state-dir"], let url = options["--url"] else {
            fail("email-send --state-dir DIR --url URL [--timeout S] [--stale-in S] [--checkin ID] [--no-deliver]")
        }
        var settings = EmailSettings(to: "parent@example.org", from: "gentle <gentle@example.org>", url: url)
        settings.starttls = false
        settings.timeout = GentleDuration(seconds: Int64(options["--timeout"] ?? "5") ?? 5)
        var logger = Logger(label: "gentle.test-tool") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .debug
        let zone = TimeZone(secondsFromGMT: 0) ?? .current
        let channel: EmailChannel
        do {
            channel = try EmailChannel.make(
                settings: settings, stateDirectory: stateDirectory, timeZone: zone, logger: logger,
                retrySchedule: RetrySchedule(first: 0.5, maximum: 1),
                sink: { event in
                    say("EVENT \(event)")
                    switch event {
                    case .delivered, .failed, .droppedStale: exit(0)
                    default: break
                    }
                })
        } catch {
            fail("\(error)")
        }

        signal(SIGTERM, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        source.setEventHandler {
            channel.shutdown()
            say("SHUTDOWN")
            exit(0)
        }
        source.resume()
        signalSource = source

        if deliver {
            let now = Date()
            let occurrence = OccurrenceID(checkin: options["--checkin"] ?? "breathe", scheduled: now, timeZone: zone)
            let staleIn = Double(options["--stale-in"] ?? "120") ?? 120
            channel.deliver(Delivery(occurrence: occurrence, title: "Ein Atemzug 🌿", body: "Breathe in for four, out for six.",
                                     actions: CheckinConfig.defaultActions, due: now, staleAt: now.addingTimeInterval(staleIn)))
            while !channel.pendingOccurrences.contains(occurrence) { usleep(1000) }
            say("QUEUED \(occurrence)")
        }
        dispatchMain()
    }
}
