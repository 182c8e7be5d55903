import Foundation

/// Where and how the smtp transport connects, checked from `[email]`: `smtp://` with STARTTLS
/// required (plain only to a relay on this machine), or `smtps://` with TLS from the first byte.
public struct SMTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum Security: String, Sendable {
        /// `smtps://`: TLS from the first byte (usually port 465).
        case implicitTLS
        /// `smtp://` upgraded with STARTTLS; refused if the server does not offer it.
        case startTLS
        /// `smtp://` without TLS: only for a loopback relay.
        case none
    }

    public var security: Security
    /// Without IPv6 brackets.
    public var host: String
    public var port: Int
    /// The name sent in EHLO when the url names one (`smtp://host:587/my.host.name`).
    public var ehloName: String?

    public init(settings: EmailSettings) throws {
        guard let url = settings.url, !url.isEmpty else {
            throw EmailError.invalidSettings(
                "email.url is missing; the smtp transport needs one such as \"smtp://mail.example.org:587\" or \"smtps://mail.example.org:465\"")
        }
        if url.unicodeScalars.contains(where: HeaderText.isControl) || url.contains(" ") {
            throw EmailError.invalidSettings("email.url must not contain spaces or control characters")
        }
        guard url.contains("://") else {
            throw EmailError.invalidSettings(
                "email.url = \"\(url)\" must start with smtp:// (STARTTLS) or smtps:// (TLS), like \"smtp://mail.example.org:587\"")
        }
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            throw EmailError.invalidSettings("email.url = \"\(url)\" is not a URL; write it like \"smtp://mail.example.org:587\"")
        }
        if parts.user != nil || parts.password != nil {
            // Never echo the url here: it holds a password.
            throw EmailError.invalidSettings(
                "email.url must not contain a user name or password; put the user in email.username and the password in a file named by email.password_file")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw EmailError.invalidSettings(
                "email.url must start with smtp:// (STARTTLS) or smtps:// (TLS), got \"\(scheme)://\"")
        }
        var host = parts.host ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            throw EmailError.invalidSettings("email.url = \"\(url)\" names no server; write it like \"smtp://mail.example.org:587\"")
        }
        if parts.query != nil || parts.fragment != nil {
            throw EmailError.invalidSettings("email.url = \"\(url)\" must not have a ?query or #fragment")
        }
        switch scheme {
        case "smtps":
            security = .implicitTLS
            port = parts.port ?? 465
        case "smtp":
            port = parts.port ?? 25
            if settings.starttls {
                security = .startTLS
            } else if SMTPEndpoint.isLoopback(host) {
                security = .none
            } else {
                throw EmailError.invalidSettings(
                    "email.starttls = false is only allowed for a mail relay on this machine (localhost, 127.0.0.1, ::1), not \(host): without TLS the password and the messages cross the network readable. Remove the line, or use smtps://")
            }
        default:
            throw EmailError.invalidSettings(
                "email.url must start with smtp:// (STARTTLS) or smtps:// (TLS), got \"\(scheme)://\"")
        }
        guard (1...65535).contains(port) else {
            throw EmailError.invalidSettings("email.url port must be between 1 and 65535")
        }
        self.host = host
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        ehloName = path.isEmpty ? nil : path
        if let ehloName, !ehloName.unicodeScalars.allSatisfy({ $0.isASCII && (HeaderText.isAtext($0) || $0 == "." || $0 == "[" || $0 == "]" || $0 == ":") }) {
            throw EmailError.invalidSettings("email.url path \"\(ehloName)\" must be the host name to announce in EHLO")
        }
    }

    /// A literal loopback name or address; no DNS lookup, so the answer cannot be spoofed.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "localhost." || h.hasSuffix(".localhost") || h == "::1" || h == "0:0:0:0:0:0:0:1" {
            return true
        }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { $0.count <= 3 && UInt8($0) != nil }
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String { "\(hostForURL):\(port)" }

    private var hostForURL: String { host.contains(":") ? "[\(host)]" : host }

    /// The URL given to libcurl; its path is the EHLO name.
    public func curlURL(defaultEHLOName: String) -> String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        return "\(scheme)://\(hostForURL):\(port)/\(ehloName ?? MessageID.hostAtom(defaultEHLOName))"
    }
}
