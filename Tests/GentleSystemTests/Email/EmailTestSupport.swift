import Foundation
import GentleCore
import GentleTestSupport
import Logging
@testable import GentleSystem

extension LogCapture {
    /// Every entry with its metadata, one per line, for "was X (not) logged" checks.
    var text: String {
        entries.map { entry in
            let rendered = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(entry.level) \(entry.message) \(rendered)"
        }.joined(separator: "\n")
    }
}

/// A temp state dir, an event recorder and a captured log for one email channel test.
final class EmailTestBed: @unchecked Sendable {
    let directory: String
    let events = EventRecorder<ChannelEvent>()
    let log = LogCapture()

    /// Retries fast enough for a test: 0.3 s, doubling to 1 s.
    static let quickRetries = RetrySchedule(first: 0.3, maximum: 1)

    init() throws {
        directory = try PackagePaths.makeTemporaryDirectory("gentle-email")
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var stateDirectory: String { directory + "/state" }
    var outboxDirectory: String { stateDirectory + "/outbox" }

    func outboxFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: outboxDirectory)) ?? []).sorted()
    }

    func channel(_ settings: EmailSettings, environment: [String: String] = [:],
                 retries: RetrySchedule = EmailTestBed.quickRetries) throws -> EmailChannel {
        let events = self.events
        return try EmailChannel.make(settings: settings, stateDirectory: stateDirectory, timeZone: EmailFixtures.zone,
                                     logger: log.logger, environment: environment, retrySchedule: retries,
                                     sink: { events.record($0) })
    }

    func smtpSettings(_ server: SMTPTestServer, scheme: String = "smtp", host: String = "127.0.0.1",
                      starttls: Bool = false) -> EmailSettings {
        var settings = EmailFixtures.settings(url: "\(scheme)://\(host):\(server.port)")
        settings.starttls = starttls
        settings.timeout = GentleDuration(seconds: 5)
        return settings
    }
}

extension ChannelEvent {
    var isDelivered: Bool { if case .delivered = self { return true } else { return false } }
    var isFailed: Bool { if case .failed = self { return true } else { return false } }
    var isHeld: Bool { if case .held = self { return true } else { return false } }
    var isDroppedStale: Bool { if case .droppedStale = self { return true } else { return false } }

    /// The text an event carries: detail, reason or error.
    var text: String? {
        switch self {
        case .delivered(_, _, let detail): return detail
        case .held(_, _, let reason): return reason
        case .failed(_, _, let error): return error
        case .droppedStale(_, _, let error): return error
        default: return nil
        }
    }
}
