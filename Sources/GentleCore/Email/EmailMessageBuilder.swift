import Foundation

/// A composed message, ready for any transport: 7-bit ASCII, CRLF line ends, no line over 998
/// octets, plus the SMTP envelope.
public struct EmailMessage: Sendable, Equatable {
    /// `<occurrence.token@host>`, angle brackets included.
    public var messageID: String
    public var envelopeFrom: String
    public var envelopeTo: [String]
    /// The whole message, headers and body.
    public var text: String

    public init(messageID: String, envelopeFrom: String, envelopeTo: [String], text: String) {
        self.messageID = messageID
        self.envelopeFrom = envelopeFrom
        self.envelopeTo = envelopeTo
        self.text = text
    }
}

/// Builds the RFC 5322 / MIME message for a delivery. Pure: the host name, a random token and the
/// date come in as parameters, so the same inputs always give the same bytes.
public struct EmailMessageBuilder: Sendable {
    public var from: EmailAddress
    public var to: EmailAddress
    public var subjectPrefix: String
    /// Right-hand side of the Message-ID.
    public var hostName: String
    /// Zone of the `Date:` header.
    public var timeZone: TimeZone

    /// Fails when `from`, `to` or the subject prefix cannot be written safely.
    public init(settings: EmailSettings, hostName: String, timeZone: TimeZone) throws {
        from = try EmailAddress(parsing: settings.from, field: "from")
        to = try EmailAddress(parsing: settings.to, field: "to")
        try HeaderEncoder.rejectControls(settings.subjectPrefix, field: "subject_prefix")
        subjectPrefix = settings.subjectPrefix
        self.hostName = hostName
        self.timeZone = timeZone
    }

    /// `token` should be random (a few bytes of hex); it keeps Message-IDs unique and makes the
    /// MIME boundary unguessable.
    public func build(_ delivery: Delivery, token: String, date: Date) throws -> EmailMessage {
        let subject = subjectPrefix.isEmpty || subjectPrefix.hasSuffix(" ")
            ? subjectPrefix + delivery.title : subjectPrefix + " " + delivery.title
        let messageID = MessageID.make(occurrence: delivery.occurrence.text, token: token, host: hostName)
        // "=_" never occurs in quoted-printable or base64 output, so no body line can match it.
        let boundaryToken = String(token.unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }.prefix(40))
        let boundary = "=_gentle_" + (boundaryToken.isEmpty ? "0" : boundaryToken)
        let content = EmailContent(delivery)

        var headers = [
            "Date: " + RFC5322Date.format(date, in: timeZone),
            try HeaderEncoder.mailbox(name: "From", from, field: "from"),
            try HeaderEncoder.mailbox(name: "To", to, field: "to"),
            try HeaderEncoder.unstructured(name: "Subject", value: subject, field: "subject (the check-in title)"),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            // RFC 3834: vacation responders and the like must not answer it.
            "Auto-Submitted: auto-generated",
        ]
        headers.append(try HeaderEncoder.unstructured(
            name: "X-Gentle-Occurrence", value: delivery.occurrence.text, field: "occurrence id"))

        var lines = headers
        lines += ["", "This is a message in MIME format: the text part is below."]
        for (type, body) in [("text/plain", content.plainText), ("text/html", content.html)] {
            let bytes = Array(body.utf8)
            let encoding = TransferEncoding.choose(for: bytes)
            lines += [
                "--" + boundary,
                "Content-Type: \(type); charset=utf-8",
                "Content-Transfer-Encoding: " + encoding.rawValue,
                "",
                encoding.encode(body),
            ]
        }
        lines.append("--" + boundary + "--")
        return EmailMessage(messageID: messageID, envelopeFrom: from.address, envelopeTo: [to.address],
                            text: lines.joined(separator: "\r\n") + "\r\n")
    }
}

/// Message-IDs (`msg-id` of RFC 5322 §3.6.4): `<dot-atom@dot-atom>`.
public enum MessageID {
    /// `<breathe.2026-11-27T143000+0100.3f9c1e2a@host>` for occurrence
    /// `breathe@2026-11-27T14:30:00+01:00`.
    public static func make(occurrence: String, token: String, host: String) -> String {
        "<" + atom(occurrence + "." + token) + "@" + hostAtom(host) + ">"
    }

    /// `text` as a dot-atom: `@` becomes `.`, `:` is dropped, other non-atext characters become
    /// `-`; no leading, trailing or doubled dots. Never empty.
    public static func atom(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "@" || scalar == "." {
                if !out.isEmpty && !out.hasSuffix(".") { out += "." }
            } else if scalar == ":" {
                continue
            } else if HeaderText.isAtext(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "-"
            }
        }
        while out.hasSuffix(".") { out.removeLast() }
        return out.isEmpty ? "gentle" : out
    }

    /// A host name reduced to lower-case letters, digits, `-` and dots; `localhost` when nothing is left.
    static func hostAtom(_ host: String) -> String {
        var out = ""
        for scalar in host.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" {
                out.unicodeScalars.append(scalar)
            } else if scalar == ".", !out.isEmpty, !out.hasSuffix(".") {
                out += "."
            }
        }
        while out.hasSuffix(".") { out.removeLast() }
        return out.isEmpty ? "localhost" : out
    }
}
