import Foundation
import GentleCore
import Logging

extension EmailChannel {
    /// Composes the channel from settings: the transport they name, the password sources in
    /// `environment`, the host's name, and `<stateDirectory>/outbox`.
    public static func make(settings: EmailSettings, stateDirectory: String, timeZone: TimeZone, logger: Logger,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            retrySchedule: RetrySchedule = .standard,
                            sink: @escaping ChannelEventSink) throws -> EmailChannel {
        let host = EmailChannel.hostName()
        let transport: MailTransport
        switch settings.transport {
        case .smtp:
            transport = try SMTPTransport(settings: settings, credentials: SMTPCredentials(settings: settings, environment: environment),
                                          hostName: host, logger: logger)
        case .sendmail:
            transport = try SendmailTransport(settings: settings, logger: logger)
        }
        return try EmailChannel(settings: settings, transport: transport, outbox: Outbox(stateDirectory: stateDirectory),
                                hostName: host, timeZone: timeZone, retrySchedule: retrySchedule, logger: logger, sink: sink)
    }

    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return bytes.isEmpty ? "localhost" : String(decoding: bytes, as: UTF8.self)
    }

    /// 16 hex digits from the system's secure generator.
    @Sendable public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
