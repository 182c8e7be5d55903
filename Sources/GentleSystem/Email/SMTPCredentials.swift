import Foundation
import GentleCore

/// Where the SMTP password comes from, in order: the systemd credential `smtp-password`
/// (`LoadCredential=smtp-password:…` puts it in `$CREDENTIALS_DIRECTORY`), `password_file`,
/// then an inline `password`. Read at every attempt, so fixing the file needs no restart.
/// Nothing here logs or returns the password except `password()` itself.
public struct SMTPCredentials: Sendable {
    public static let credentialName = "smtp-password"
    /// A password file bigger than this is not a password file.
    static let sizeLimit = 4096

    public var username: String?
    var credentialsDirectory: String?
    var passwordFile: String?
    var inlinePassword: String?

    public init(settings: EmailSettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let paths = XDGPaths(environment: environment)
        username = settings.username
        if let dir = environment["CREDENTIALS_DIRECTORY"], !dir.isEmpty { credentialsDirectory = dir }
        passwordFile = settings.passwordFile.map(paths.expandTilde)
        inlinePassword = settings.password
    }

    /// Where `password()` will look first; for messages ("password_file ~/…"), never the secret.
    public var sourceDescription: String {
        if let dir = credentialsDirectory, FileManager.default.fileExists(atPath: dir + "/" + SMTPCredentials.credentialName) {
            return "systemd credential \(SMTPCredentials.credentialName)"
        }
        if let file = passwordFile { return "password_file \(file)" }
        if inlinePassword != nil { return "email.password in the config" }
        return "no password configured"
    }

    /// The password with trailing line breaks removed, or nil when none is configured.
    public func password() throws -> String? {
        if let dir = credentialsDirectory {
            let path = dir + "/" + SMTPCredentials.credentialName
            if FileManager.default.fileExists(atPath: path) {
                return try SMTPCredentials.readSecret(path, what: "the systemd credential \(SMTPCredentials.credentialName)")
            }
        }
        if let file = passwordFile { return try SMTPCredentials.readSecret(file, what: "email.password_file \(file)") }
        return inlinePassword
    }

    static func readSecret(_ path: String, what: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw MailSendFailure(.configuration, "cannot read \(what): \(reason.lowercased()); it must exist and be readable by you (chmod 600)")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw MailSendFailure(.configuration, "cannot read \(what): \(String(cString: strerror(errno)).lowercased())")
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > sizeLimit {
                throw MailSendFailure(.configuration, "\(what) is larger than \(sizeLimit) bytes; it should hold only the password")
            }
        }
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw MailSendFailure(.configuration, "\(what) is empty; write the SMTP password into it") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MailSendFailure(.configuration, "\(what) is not UTF-8 text")
        }
        return text
    }
}
