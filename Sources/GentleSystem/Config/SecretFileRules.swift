import Foundation
import GentleCore

/// The rules for secrets on disk, checked by `gentle check` and on every (re)load: a
/// `password_file` must exist, be readable by us and by nobody else; a password written in the
/// config itself is only accepted when the config is private. Messages name the fix and never
/// the secret.
struct SecretFileRules {
    let paths: XDGPaths

    func problems(in loaded: LoadedConfig, configPath: String, configMode: mode_t) -> [ConfigError] {
        guard let email = loaded.config.email else { return [] }
        var problems: [ConfigError] = []
        let emailPath = ConfigKeyPath([.key("email")])
        if let file = email.passwordFile {
            let at = loaded.valuePosition(emailPath.appending("password_file"))
            if let message = passwordFileProblem(paths.expandTilde(file)) {
                problems.append(ConfigError(file: configPath, at: at, message: message))
            }
        }
        if email.password != nil, configMode & 0o044 != 0 {
            let at = loaded.keyPosition(emailPath.appending("password"))
            problems.append(ConfigError(file: configPath, at: at, message:
                "the SMTP password is written in this file, which other users can read (mode \(Self.octal(configMode))); run chmod 600 \(configPath), or move it to password_file or a systemd credential (LoadCredential=smtp-password)"))
        }
        if let file = email.caFile {
            let at = loaded.valuePosition(emailPath.appending("ca_file"))
            let path = paths.expandTilde(file)
            if let message = readableFileProblem(path, key: "ca_file", what: "CA certificates (PEM)") {
                problems.append(ConfigError(file: configPath, at: at, message: message))
            }
        }
        return problems
    }

    private func passwordFileProblem(_ path: String) -> String? {
        if let problem = readableFileProblem(path, key: "password_file", what: "the SMTP password alone, then run chmod 600 \(path)") {
            return problem
        }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o7777
        if mode & 0o044 != 0 {
            return "\"password_file\" \(path) can be read by other users (mode \(Self.octal(mode))); run chmod 600 \(path)"
        }
        if info.st_size == 0 {
            return "\"password_file\" \(path) is empty; put the SMTP password in it, alone on the first line"
        }
        return nil
    }

    /// Exists, is a regular file, and opens for reading (opened and closed, never read).
    private func readableFileProblem(_ path: String, key: String, what: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return "\"\(key)\" \(path) does not exist; create it with \(what)" }
            return "\"\(key)\" \(path) cannot be checked: \(String(cString: strerror(code)))"
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return "\"\(key)\" \(path) is not a regular file; point it at a file holding \(what.components(separatedBy: ",").first ?? what)"
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == EACCES {
                return "\"\(key)\" \(path) cannot be read by you (permission denied); make it yours and private: chown \(NSUserName()) \(path) && chmod 600 \(path)"
            }
            return "\"\(key)\" \(path) cannot be opened: \(String(cString: strerror(code)))"
        }
        close(fd)
        return nil
    }

    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
