import GentleCore

/// Turns what libcurl reports after an SMTP transfer into a verdict with a message that says what
/// happened and what to do. Pure, so the mapping is tested without a server.
///
/// | libcurl | meaning | kind |
/// |---|---|---|
/// | 0 | 250 after the data | accepted |
/// | 42 | our abort (shutdown) | aborted |
/// | 67 | login denied (535) | configuration |
/// | 60, 58, 77, 83, 90, 91 | certificate not trusted / CA file unusable | configuration |
/// | 64 | server does not offer STARTTLS | configuration |
/// | 1, 3 | url not usable | configuration |
/// | any, with a 5xx reply | refused for good (550 …); 530 = login required → configuration | permanent |
/// | any, with a 4xx reply | deferred (451 …) | transient |
/// | 6, 7, 28, 35, 52, 55, 56, others | not reachable, timed out, connection lost | transient |
enum SMTPFailureClassifier {
    static func classify(curlCode: Int, responseCode: Int, serverReply: String?, curlMessage: String,
                         endpoint: SMTPEndpoint, username: String?, timeoutSeconds: Int) -> MailSendResult {
        let server = "the mail server \(endpoint)"
        let said = serverReply.map { " (it said: \(clip($0)))" } ?? ""
        func fail(_ kind: MailSendFailure.Kind, _ message: String) -> MailSendResult {
            .failed(MailSendFailure(kind, message, curlCode: curlCode, responseCode: responseCode == 0 ? nil : responseCode))
        }

        switch curlCode {
        case 0:
            return .accepted(detail: serverReply.map(clip) ?? "\(responseCode)")
        case 42:
            return fail(.aborted, "sending to \(server) was abandoned at shutdown; the message stays in the outbox")
        case 67:
            let who = username.map { "user \"\($0)\"" } ?? "the configured user"
            return fail(.configuration,
                        "\(server) refused the login for \(who)\(said); check email.username and the password (email.password_file or the smtp-password credential)")
        case 60, 83, 90, 91:
            return fail(.configuration,
                        "the TLS certificate of \(server) is not trusted (\(curlMessage)); if it uses a private CA, name its certificate in email.ca_file")
        case 58, 77:
            return fail(.configuration, "cannot use the certificates for \(server) (\(curlMessage)); check email.ca_file")
        case 64:
            return fail(.configuration,
                        "\(server) does not offer STARTTLS; use its submission port (usually smtp://…:587) or smtps://…:465")
        case 1, 3:
            return fail(.configuration, "libcurl cannot use email.url (\(curlMessage))")
        default:
            break
        }
        if responseCode == 530 {
            return fail(.configuration, "\(server) requires a login\(said); set email.username and a password")
        }
        if (500..<600).contains(responseCode) {
            return fail(.permanent, "\(server) refused the message\(said)")
        }
        if (400..<500).contains(responseCode) {
            return fail(.transient, "\(server) deferred the message\(said)")
        }
        switch curlCode {
        case 6:
            return fail(.transient, "cannot resolve the host name of \(server); if it persists, check email.url")
        case 7:
            return fail(.transient, "cannot connect to \(server) (\(curlMessage))")
        case 28:
            return fail(.transient, "no answer from \(server) within \(timeoutSeconds) s\(said)")
        case 35:
            return fail(.transient,
                        "the TLS handshake with \(server) failed (\(curlMessage)); if it persists, check smtp:// vs smtps:// and the port")
        default:
            return fail(.transient, "sending to \(server) failed: \(curlMessage)\(said)")
        }
    }

    /// Server text is untrusted: one line, printable, bounded.
    static func clip(_ text: String) -> String {
        var out = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        if out.count > 300 { out = String(out.prefix(300)) + "…" }
        return out
    }
}
