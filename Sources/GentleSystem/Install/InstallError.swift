import Foundation

/// Why `gentle install` or `gentle uninstall` stopped, in words that say what to do next.
public enum InstallError: Error, Equatable, CustomStringConvertible {
    static func file(action: String, path: String, code: Int32) -> InstallError {
        .file(action: action, path: path, reason: String(cString: strerror(code)))
    }

    /// A file step failed: `action` is e.g. "replace", `reason` what the system said.
    case file(action: String, path: String, reason: String)
    case binaryNotFound(String)
    case unitTemplateBroken(String)
    /// gentle is a per-user service; `sudo gentle install` would set it up for root.
    case runningUnderSudo(user: String)
    /// No `systemctl` on PATH: not a systemd system (or a very bare container).
    case systemctlMissing(runByHand: String)
    /// `systemctl --user` could not reach the user manager; `detail` is what it said.
    case userManagerUnavailable(detail: String, runByHand: String)
    case systemctlFailed(command: String, status: Int32, output: String)
    /// The unit was enabled but did not become ready.
    case serviceDidNotStart(output: String)

    public var description: String {
        switch self {
        case let .file(action, path, reason):
            return "cannot \(action) \(path): \(reason); check that the directory exists and is yours"
        case let .binaryNotFound(path):
            return "\(path) is not an executable file; pass the gentle binary to install with --binary, e.g. --binary .build/release/gentle"
        case let .unitTemplateBroken(why):
            return "the built-in unit file is broken (\(why)); this is a bug in this build of gentle"
        case let .runningUnderSudo(user):
            return "gentle runs as your own user service, not root's: run `gentle install` as \(user), without sudo"
        case let .systemctlMissing(runByHand):
            return """
                systemctl was not found, so gentle cannot be set up as a systemd service here. \
                The files are in place; start it yourself with `\(runByHand)` (for example from your \
                desktop's autostart), or install it on a system that runs systemd.
                """
        case let .userManagerUnavailable(detail, runByHand):
            return """
                cannot reach your systemd user manager (systemctl --user said: \(detail)). This happens \
                in shells opened with su or sudo, in containers, and in ssh sessions without a login \
                session. Log in as yourself (desktop, console or ssh) and run `gentle install` again; on \
                a machine without a desktop, ask an admin for `loginctl enable-linger \(NSUserName())` \
                first. The files are in place: to run gentle now without systemd, use `\(runByHand)`.
                """
        case let .systemctlFailed(command, status, output):
            let said = output.isEmpty ? "" : ": " + output
            return "`\(command)` failed (exit status \(status))\(said)"
        case let .serviceDidNotStart(output):
            let said = output.isEmpty ? "" : "\n" + output
            return """
                gentle.service did not start. See why with `systemctl --user status gentle` and \
                `journalctl --user -u gentle`; once fixed, `systemctl --user restart gentle`.\(said)
                """
        }
    }
}
