#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A `gentle run` child process in its own temporary HOME, with a NOTIFY_SOCKET listener, its
/// output captured to files, and helpers to signal it and read its event log.
public final class DaemonProcess: @unchecked Sendable {
    public let home: String
    public let configPath: String
    public let stateDirectory: String
    public let notify: NotifySocketListener
    public let process = Process()
    /// Set when the daemon runs in a mount namespace of its own (`launcher` made one): its files
    /// are then read through `/proc/PID/root`, which shows them as the daemon sees them.
    public let hasPrivateMounts: Bool
    private let stdoutPath: String
    private let stderrPath: String

    /// Writes `config` to `$HOME/.config/gentle/config.toml` and starts the daemon on it.
    /// `environment` adds to (or with nil removes from) the inherited environment. `launcher`,
    /// when given, is a command that ends by exec'ing its arguments (`unshare …`, `setpriv …`):
    /// the daemon's command line is appended to it, and the pid is still the daemon's.
    public init(config: String, arguments: [String] = [], environment: [String: String?] = [:],
                home: String? = nil, stdin: FileHandle? = nil, launcher: [String] = [],
                privateMounts: Bool = false) throws {
        self.home = try home ?? PackagePaths.makeTemporaryDirectory("gentle-daemon")
        configPath = self.home + "/.config/gentle/config.toml"
        stateDirectory = self.home + "/.local/state/gentle"
        try FileManager.default.createDirectory(atPath: self.home + "/.config/gentle", withIntermediateDirectories: true)
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        hasPrivateMounts = privateMounts
        notify = try NotifySocketListener()
        stdoutPath = self.home + "/stdout.txt"
        stderrPath = self.home + "/stderr.txt"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)

        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [PackagePaths.gentleBinary, "run"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: PackagePaths.gentleBinary)
            process.arguments = ["run"] + arguments
        }
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY",
                    "XDG_CONFIG_HOME", "XDG_STATE_HOME", "CREDENTIALS_DIRECTORY", "JOURNAL_STREAM"] {
            env[key] = nil
        }
        env["HOME"] = self.home
        env["NOTIFY_SOCKET"] = notify.path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var eventLogPath: String { stateDirectory + "/events.jsonl" }
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Where the test finds `path` as the daemon sees it (through `/proc/PID/root` when the
    /// daemon has mounts of its own; those vanish with it).
    public func visiblePath(_ path: String) -> String {
        hasPrivateMounts ? "/proc/\(process.processIdentifier)/root" + path : path
    }

    /// The event log's bytes as they are now (empty when it cannot be read).
    public var eventLogBytes: [UInt8] {
        (FileManager.default.contents(atPath: visiblePath(eventLogPath))).map { [UInt8]($0) } ?? []
    }

    /// The event log's lines as JSON objects (unparseable lines are skipped).
    public var events: [[String: Any]] {
        guard let text = try? String(contentsOfFile: visiblePath(eventLogPath), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    public func events(kind: String) -> [[String: Any]] { events.filter { $0["kind"] as? String == kind } }

    /// Polls the log until `predicate` holds for some record, up to `timeout` seconds.
    @discardableResult
    public func waitForEvent(timeout: TimeInterval, where predicate: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let match = events.first(where: predicate) { return match }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    public func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    public func signal(_ signo: Int32) { kill(process.processIdentifier, signo) }

    public var isRunning: Bool { process.isRunning }

    /// Waits for the process to exit; nil if it is still running after `timeout`.
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills the process if needed, closes the listener and removes the temporary HOME.
    public func cleanUp(keepHome: Bool = false) {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        notify.close()
        if !keepHome { try? FileManager.default.removeItem(atPath: home) }
    }

    /// `HH:MM:SS` of a moment in UTC, for `when = "*-*-* HH:MM:SS UTC"`-style configs.
    public static func utcClock(_ date: Date) -> String {
        let t = Int(date.timeIntervalSince1970) % 86_400
        return String(format: "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
    }
}
