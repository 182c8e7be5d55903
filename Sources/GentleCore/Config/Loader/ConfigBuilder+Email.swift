import Foundation

extension ConfigBuilder {
    static let emailKeys = [
        "to", "from", "transport", "url", "starttls", "username", "password_file", "password", "ca_file",
        "sendmail_command", "timeout", "subject_prefix",
    ]
    static let emailTimeoutRange = GentleDuration(seconds: 5)...GentleDuration.minutes(10)

    func readEmail(_ t: TableReader) -> EmailSettings? {
        t.rejectUnknownKeys(Self.emailKeys)
        t.require("to", write: "to = \"parent@example.org\"", known: Self.emailKeys)
        t.require("from", write: "from = \"gentle@example.org\"", known: Self.emailKeys)
        let to = headerValue(t, "to", example: "\"parent@example.org\"", address: true)
        let from = headerValue(t, "from", example: "\"gentle@example.org\"", address: true)
        let subjectPrefix = headerValue(t, "subject_prefix", example: "\"[gentle] \"", address: false, allowEmpty: true)
        let transport = t.choice("transport", EmailTransport.self) ?? .smtp
        let url = readSMTPURL(t, transport: transport)
        let starttls = t.bool("starttls")
        let username = t.string("username", example: "\"parent\"", singleLine: true)
        let passwordFile = filePath(t, "password_file", example: "\"~/.config/gentle/smtp-password\"")
        let password = t.string("password", example: "\"…\"", secret: true)
        if t.contains("password") && t.contains("password_file") {
            let later = max(t.keyPosition("password"), t.keyPosition("password_file"))
            t.error(later, "[email] has both \"password\" and \"password_file\"; keep password_file (safer) and remove \"password\"")
        }
        let caFile = filePath(t, "ca_file", example: "\"/etc/ssl/certs/my-ca.pem\"")
        let sendmail = readSendmailCommand(t)
        let timeout = t.duration("timeout", range: Self.emailTimeoutRange, example: "30s")

        if let url, starttls == false, !Self.isLoopback(url), url.lowercased().hasPrefix("smtp://") {
            t.errorAtValue("starttls", "\"starttls = false\" would send mail and password unencrypted to a server on the network; it is only allowed for a relay on this machine (smtp://localhost); use starttls = true or an smtps:// url")
        }
        guard let to, let from else { return nil }
        return EmailSettings(
            to: to, from: from, transport: transport, url: url, starttls: starttls ?? true, username: username,
            passwordFile: passwordFile, password: password, caFile: caFile,
            sendmailCommand: sendmail ?? EmailSettings.defaultSendmailCommand,
            timeout: timeout ?? GentleDuration(seconds: 30), subjectPrefix: subjectPrefix ?? "")
    }

    /// An absolute path or one under `~/`: the service does not run in the directory the
    /// parent edited the config in, so a relative path would point somewhere else.
    private func filePath(_ t: TableReader, _ key: String, example: String) -> String? {
        guard let path = t.string(key, example: example, singleLine: true) else { return nil }
        guard path.hasPrefix("/") || path.hasPrefix("~/") else {
            t.errorAtValue(key, "\"\(key)\" must be an absolute path or start with ~/, got \"\(TOMLNode.shortened(path))\"; write \(key) = \(example)")
            return nil
        }
        return path
    }

    /// Values that become mail headers: a CR or LF would let the value start a header of its own.
    private func headerValue(_ t: TableReader, _ key: String, example: String, address: Bool,
                             allowEmpty: Bool = false) -> String? {
        guard let value = t.string(key, example: example, allowEmpty: allowEmpty) else { return nil }
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            t.errorAtValue(key, "\"\(key)\" must not contain a line break (CR or LF): it becomes a mail header; write it on one line, like \(key) = \(example)")
            return nil
        }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            t.errorAtValue(key, "\"\(key)\" contains a control character; write plain text, like \(key) = \(example)")
            return nil
        }
        if address && !Self.looksLikeAddress(value) {
            t.errorAtValue(key, "\"\(key)\" must be an email address, got \"\(TOMLNode.shortened(value))\"; write \(key) = \(example)")
            return nil
        }
        return value
    }

    /// `name@domain` or `Name <name@domain>`; delivery itself is the real test.
    static func looksLikeAddress(_ text: String) -> Bool {
        var address = Substring(text.trimmingCharacters(in: .whitespaces))
        if address.hasSuffix(">"), let open = address.lastIndex(of: "<") {
            address = address[address.index(after: open)..<address.index(before: address.endIndex)]
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !address.contains(" ")
            && !address.contains(",") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
    }

    private func readSMTPURL(_ t: TableReader, transport: EmailTransport) -> String? {
        guard t.contains("url") else {
            if transport == .smtp {
                t.error(t.position, "[email] sends with SMTP but has no \"url\"; add url = \"smtp://mail.example.org:587\" (or smtps://…:465), or set transport = \"sendmail\"")
            }
            return nil
        }
        guard let url = t.string("url", example: "\"smtp://mail.example.org:587\"", singleLine: true) else { return nil }
        let lower = url.lowercased()
        guard lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://") else {
            let shown = url.contains("@") ? "" : ", got \"\(TOMLNode.shortened(url))\""
            t.errorAtValue("url", "\"url\" must start with smtp:// (STARTTLS, usually port 587) or smtps:// (port 465)\(shown); write url = \"smtp://mail.example.org:587\"")
            return nil
        }
        let rest = url[url.index(url.startIndex, offsetBy: lower.hasPrefix("smtps://") ? 8 : 7)...]
        let authority = rest.prefix(while: { $0 != "/" })
        if authority.contains("@") {
            // Never echo it: the part before "@" may be a password.
            t.errorAtValue("url", "\"url\" must not carry a user name or password; put them in \"username\" and \"password_file\" and write url = \"smtp://mail.example.org:587\"")
            return nil
        }
        if authority.isEmpty || authority.hasPrefix(":") || url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            t.errorAtValue("url", "\"url\" needs a server name without spaces, got \"\(TOMLNode.shortened(url))\"; write url = \"smtp://mail.example.org:587\"")
            return nil
        }
        return url
    }

    /// Whether an SMTP URL names this machine.
    static func isLoopback(_ url: String) -> Bool {
        let lower = url.lowercased()
        guard let scheme = lower.range(of: "://") else { return false }
        var host = lower[scheme.upperBound...].prefix(while: { $0 != "/" })
        if host.hasPrefix("[") {
            host = host.dropFirst().prefix(while: { $0 != "]" })
            return host == "::1"
        }
        host = host.prefix(while: { $0 != ":" })
        return host == "localhost" || host.hasPrefix("127.")
    }

    private func readSendmailCommand(_ t: TableReader) -> [String]? {
        let example = "[\"/usr/sbin/sendmail\", \"-t\", \"-i\"]"
        if case .string(let s)? = t.values["sendmail_command"] {
            let words = s.split(separator: " ").map { "\"\(TOMLNode.shortened(String($0)))\"" }.joined(separator: ", ")
            t.errorAtValue("sendmail_command", "\"sendmail_command\" must be a list of the program and its arguments (it runs without a shell); write sendmail_command = [\(words)]")
            return nil
        }
        guard let items = t.stringList("sendmail_command", example: example) else { return nil }
        guard let first = items.first else {
            t.errorAtValue("sendmail_command", "\"sendmail_command\" is empty; write sendmail_command = \(example)")
            return nil
        }
        if first.text.isEmpty || first.text.contains(" ") {
            t.error(first.position, "the program in \"sendmail_command\" must be one path, without spaces or arguments; write sendmail_command = \(example)")
            return nil
        }
        return items.map(\.text)
    }
}
