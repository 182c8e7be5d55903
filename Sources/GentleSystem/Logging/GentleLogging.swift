#if canImport(Glibc)
import Glibc
#endif
import CSystemd
import Foundation
import Logging

/// Sets up swift-log for the `gentle` executable. Call `bootstrap` once, first thing in `main`;
/// components then take a `Logger` made from it.
public enum GentleLogging {
    public enum Destination: Sendable, Equatable, CustomStringConvertible {
        /// Structured entries over journald's native protocol.
        case journald
        /// `<N>`-prefixed lines on stderr, for systemd to parse when stderr goes to the journal
        /// (or any other non-terminal).
        case stderrWithPriorities
        /// Readable lines on stderr, for a person at a terminal.
        case stderrPlain

        public var description: String {
            switch self {
            case .journald: return "journald"
            case .stderrWithPriorities: return "stderr with <N> priorities"
            case .stderrPlain: return "stderr"
            }
        }
    }

    /// The rule, as a pure function: a terminal on stderr always gets plain lines (someone is
    /// watching `gentle run` or `gentle check`, even on a machine with journald); otherwise the
    /// journal's native protocol when journald answers, else `<N>` lines on stderr.
    public static func chooseDestination(stderrIsTerminal: Bool, journaldAvailable: () -> Bool) -> Destination {
        if stderrIsTerminal { return .stderrPlain }
        return journaldAvailable() ? .journald : .stderrWithPriorities
    }

    /// The destination for this process.
    public static func detectDestination() -> Destination {
        chooseDestination(stderrIsTerminal: isatty(2) == 1, journaldAvailable: journaldIsAvailable)
    }

    /// Whether journald accepts connections: `sd_journal_stream_fd` fails (with -ENOENT) when its
    /// socket is absent. The stream it opens is closed again at once.
    public static func journaldIsAvailable() -> Bool {
        let fd = sd_journal_stream_fd("gentle", 6, 0)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// A handler for `destination`.
    public static func makeHandler(label: String, destination: Destination, level: Logger.Level) -> any LogHandler {
        switch destination {
        case .journald: return JournaldLogHandler(label: label, logLevel: level)
        case .stderrWithPriorities: return StderrLogHandler(label: label, style: .syslogPrefixed, logLevel: level)
        case .stderrPlain: return StderrLogHandler(label: label, style: .plain, logLevel: level)
        }
    }

    private static let once = NSLock()
    nonisolated(unsafe) private static var chosen: Destination?

    /// Installs the handlers process-wide and returns the destination chosen. Only the first call
    /// has an effect (swift-log allows one bootstrap per process); later calls return the first
    /// choice.
    @discardableResult
    public static func bootstrap(level: Logger.Level = .info, destination: Destination? = nil) -> Destination {
        once.lock()
        defer { once.unlock() }
        if let chosen { return chosen }
        let target = destination ?? detectDestination()
        LoggingSystem.bootstrap { label in makeHandler(label: label, destination: target, level: level) }
        chosen = target
        return target
    }
}
