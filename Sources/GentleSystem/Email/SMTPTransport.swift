import CCurl
import Foundation
import GentleCore
import Logging

/// Sends through an SMTP server with libcurl: STARTTLS required on `smtp://` (plain only to a
/// loopback relay), TLS from the start on `smtps://`, AUTH with the configured user, certificates
/// always verified (against `ca_file` when given). One connection per message; `send` blocks for
/// at most `timeout` (plus a second) and gives up within about a second once `abort` is raised.
public final class SMTPTransport: MailTransport {
    public let endpoint: SMTPEndpoint
    let credentials: SMTPCredentials
    let caFile: String?
    let timeoutSeconds: Int
    let ehloFallback: String
    let logger: Logger

    public var summary: String { "smtp \(endpoint)" }

    /// Fails with a clear message when the url or TLS settings cannot work.
    public init(settings: EmailSettings, credentials: SMTPCredentials, hostName: String, logger: Logger) throws {
        endpoint = try SMTPEndpoint(settings: settings)
        self.credentials = credentials
        caFile = settings.caFile.map { XDGPaths().expandTilde($0) }
        timeoutSeconds = Int(max(1, min(settings.timeout.seconds, 3600)))
        ehloFallback = hostName
        self.logger = logger
    }

    public func send(_ message: EmailMessage, abort: AbortSignal) -> MailSendResult {
        // At the first send, not at start: libcurl's TLS libraries take a few MiB that an idle
        // daemon waiting hours for its first email need not hold.
        CurlGlobal.initialize()
        let password: String?
        do {
            password = try credentials.password()
        } catch let failure as MailSendFailure {
            return .failed(failure)
        } catch {
            return .failed(MailSendFailure(.configuration, "cannot read the SMTP password: \(error)"))
        }
        if credentials.username != nil && password == nil {
            return .failed(MailSendFailure(.configuration,
                "email.username is set but no password was found; set email.password_file or LoadCredential=smtp-password"))
        }
        if let caFile, access(caFile, R_OK) != 0 {
            return .failed(MailSendFailure(.configuration,
                "cannot read email.ca_file \(caFile): \(String(cString: strerror(errno)).lowercased())"))
        }
        // The session must outlive the handle: curl_easy_cleanup closes cached connections
        // through the close-socket callback (defers run last-registered first).
        let session = CurlSMTPSession(bytes: Array(message.text.utf8), abort: abort)
        let sessionPointer = Unmanaged.passRetained(session).toOpaque()
        defer { Unmanaged<CurlSMTPSession>.fromOpaque(sessionPointer).release() }
        // A hard bound on the whole exchange, cleanup included: libcurl's timeouts leave gaps.
        let watchdog = DispatchWorkItem { session.shutDownConnections() }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeoutSeconds + 1), execute: watchdog)
        defer { watchdog.cancel() }
        // libcurl may write into the error buffer until curl_easy_cleanup: it must outlive the handle.
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        guard let handle = curl_easy_init() else {
            return .failed(MailSendFailure(.transient, "libcurl could not start a transfer (out of memory?)"))
        }
        defer { curl_easy_cleanup(handle) }
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in message.envelopeTo { recipients = curl_slist_append(recipients, "<\(address)>") }
        defer { curl_slist_free_all(recipients) }

        let started = Date()
        var rejectedOption: String?
        let code: CURLcode = {
            var setup = CurlOptions(handle)
            setup.string(CURLOPT_URL, endpoint.curlURL(defaultEHLOName: ehloFallback))
            setup.string(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            setup.long(CURLOPT_USE_SSL, Int(endpoint.security == .none ? CURLUSESSL_NONE.rawValue : CURLUSESSL_ALL.rawValue))
            setup.long(CURLOPT_SSL_VERIFYPEER, 1)
            setup.long(CURLOPT_SSL_VERIFYHOST, 2)
            if let caFile { setup.string(CURLOPT_CAINFO, caFile) }
            if let username = credentials.username {
                setup.string(CURLOPT_USERNAME, username)
                setup.string(CURLOPT_PASSWORD, password ?? "")
            }
            setup.long(CURLOPT_TIMEOUT, timeoutSeconds)
            setup.long(CURLOPT_CONNECTTIMEOUT, min(timeoutSeconds, 30))
            // libcurl 7.88 waits for the reply to the end of DATA under this timeout only
            // (default 120 s), not CURLOPT_TIMEOUT: measured with a server that never answers.
            setup.long(CURLOPT_SERVER_RESPONSE_TIMEOUT, timeoutSeconds)
            setup.long(CURLOPT_NOSIGNAL, 1)
            setup.string(CURLOPT_MAIL_FROM, "<\(message.envelopeFrom)>")
            setup.check(gentle_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients), "MAIL_RCPT")
            setup.long(CURLOPT_UPLOAD, 1)
            setup.check(gentle_curl_setopt_read_function(handle, curlReadMessage), "READFUNCTION")
            setup.check(gentle_curl_setopt_pointer(handle, CURLOPT_READDATA, sessionPointer), "READDATA")
            // Server replies arrive through the debug callback; it keeps only what the server
            // said (CURLINFO_HEADER_IN), never our commands, which include AUTH.
            setup.long(CURLOPT_VERBOSE, 1)
            setup.check(gentle_curl_setopt_debug_function(handle, curlRecordReply), "DEBUGFUNCTION")
            setup.check(gentle_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, sessionPointer), "DEBUGDATA")
            setup.long(CURLOPT_NOPROGRESS, 0)
            setup.check(gentle_curl_setopt_xferinfo_function(handle, curlCheckAbort), "XFERINFOFUNCTION")
            setup.check(gentle_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, sessionPointer), "XFERINFODATA")
            // We open and close the socket ourselves so that an abort can shut it down: libcurl
            // calls no progress callback while it waits for the reply to the end of DATA.
            setup.check(gentle_curl_setopt_opensocket_function(handle, curlOpenSocket), "OPENSOCKETFUNCTION")
            setup.check(gentle_curl_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, sessionPointer), "OPENSOCKETDATA")
            setup.check(gentle_curl_setopt_closesocket_function(handle, curlCloseSocket), "CLOSESOCKETFUNCTION")
            setup.check(gentle_curl_setopt_pointer(handle, CURLOPT_CLOSESOCKETDATA, sessionPointer), "CLOSESOCKETDATA")
            setup.check(gentle_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)), "ERRORBUFFER")
            if let failed = setup.failure {
                rejectedOption = setup.failedOption
                return failed
            }
            let token = abort.onRaise { session.shutDownConnections() }
            defer { abort.removeHandler(token) }
            return curl_easy_perform(handle)
        }()
        if code != CURLE_OK {
            // After a failure libcurl keeps the connection and, at cleanup, sends QUIT and waits
            // up to another full timeout for a server that may have stopped answering
            // (measured: 2 × timeout). Nothing more is worth saying on it.
            session.shutDownConnections()
        }
        if code != CURLE_OK && abort.isRaised {
            return .failed(MailSendFailure(.aborted, "sending to \(endpoint) was abandoned at shutdown; the message stays in the outbox",
                                           curlCode: Int(code.rawValue)))
        }

        if let rejectedOption {
            let version = String(cString: curl_version())
            return .failed(MailSendFailure(.configuration,
                "libcurl refused option \(rejectedOption) (\(String(cString: curl_easy_strerror(code)))); gentle needs libcurl 7.85 or newer, this is \(version)",
                curlCode: Int(code.rawValue)))
        }
        var responseCode = 0
        gentle_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        let curlMessage = String(cString: errorBuffer)
        let outcome = SMTPFailureClassifier.classify(
            curlCode: Int(code.rawValue), responseCode: responseCode,
            serverReply: session.lastReply, curlMessage: curlMessage.isEmpty ? String(cString: curl_easy_strerror(code)) : curlMessage,
            endpoint: endpoint, username: credentials.username, timeoutSeconds: timeoutSeconds)
        logger.debug("smtp exchange ended", metadata: [
            "email.server": "\(endpoint)", "email.curl_code": "\(code.rawValue)", "email.smtp_code": "\(responseCode)",
            "email.duration_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
        ])
        switch outcome {
        case .accepted(let detail):
            return .accepted(detail: detail)
        case .failed(var failure):
            failure.message = Redaction.redact(failure.message, secret: password, username: credentials.username)
            return .failed(failure)
        }
    }
}

/// Collects the first failing `curl_easy_setopt`, so a libcurl too old for an option is reported.
private struct CurlOptions {
    let handle: UnsafeMutableRawPointer
    var failure: CURLcode?
    var failedOption: String?

    init(_ handle: UnsafeMutableRawPointer) { self.handle = handle }

    mutating func check(_ code: CURLcode, _ name: String) {
        if code != CURLE_OK && failure == nil {
            failure = code
            failedOption = name
        }
    }

    mutating func long(_ option: CURLoption, _ value: Int) {
        check(gentle_curl_setopt_long(handle, option, value), CurlOptions.name(option))
    }

    mutating func string(_ option: CURLoption, _ value: String) {
        // libcurl copies string options, so a temporary C string is enough.
        check(value.withCString { gentle_curl_setopt_string(handle, option, $0) }, CurlOptions.name(option))
    }

    static func name(_ option: CURLoption) -> String {
        guard let info = curl_easy_option_by_id(option), let name = info.pointee.name else { return "#\(option.rawValue)" }
        return "CURLOPT_" + String(cString: name)
    }
}

enum CurlGlobal {
    private static let once: Void = { _ = gentle_curl_global_init_all() }()

    /// `curl_global_init` is not thread-safe; Swift runs a static initializer exactly once.
    static func initialize() { _ = once }
}

/// Scrubs a secret (and the base64 forms AUTH PLAIN / LOGIN would carry) from text that may
/// echo what a server said.
enum Redaction {
    static func redact(_ text: String, secret: String?, username: String?) -> String {
        guard let secret, !secret.isEmpty else { return text }
        var out = text
        var forms = [secret, Data(secret.utf8).base64EncodedString()]
        if let username {
            forms.append(Data(("\0" + username + "\0" + secret).utf8).base64EncodedString())
            forms.append(Data((username + "\0" + username + "\0" + secret).utf8).base64EncodedString())
        }
        for form in forms where !form.isEmpty { out = out.replacingOccurrences(of: form, with: "[redacted]") }
        return out
    }
}
