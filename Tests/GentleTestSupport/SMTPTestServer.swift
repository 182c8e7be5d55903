import Foundation

/// A real SMTP server for tests: aiosmtpd running Tests/Tools/smtp_server.py on a loopback port.
/// Every accepted message lands in `saveDirectory`, together with what Python's `email` package
/// (policy=default) made of it; read them with `received()`. Call `stop()` when done.
public final class SMTPTestServer: @unchecked Sendable {
    public enum TLS: String, Sendable {
        case none
        case starttls
        case implicit
    }

    public struct Options: Sendable {
        public var tls: TLS = .none
        public var certificates: TestCertificates?
        public var auth: (user: String, password: String)?
        /// Answer every message with this code (e.g. 550) and text.
        public var reject: (code: Int, text: String)?
        /// Never answer after the data of the first N messages.
        public var stallData = 0
        /// A fixed port (for "down, then up"); nil picks a free one.
        public var port: Int?

        public init(tls: TLS = .none, certificates: TestCertificates? = nil, auth: (user: String, password: String)? = nil,
                    reject: (code: Int, text: String)? = nil, stallData: Int = 0, port: Int? = nil) {
            self.tls = tls
            self.certificates = certificates
            self.auth = auth
            self.reject = reject
            self.stallData = stallData
            self.port = port
        }
    }

    public let port: Int
    public let saveDirectory: String
    private let process: Process

    public static var script: String { PackagePaths.root + "/Tests/Tools/smtp_server.py" }

    /// Starts the server and waits (up to 20 s) until it listens.
    public static func start(_ options: Options = Options()) async throws -> SMTPTestServer {
        let python = try PythonTestVenv.python()
        let saveDirectory = try PackagePaths.makeTemporaryDirectory("gentle-smtp")
        var arguments = [script, "--save-dir", saveDirectory, "--port", String(options.port ?? 0), "--tls", options.tls.rawValue]
        if let certificates = options.certificates {
            arguments += ["--cert", certificates.serverCertificate, "--key", certificates.serverKey]
        }
        if let auth = options.auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        if let reject = options.reject { arguments += ["--reject", String(reject.code), "--reject-text", reject.text] }
        if options.stallData > 0 { arguments += ["--stall-data", String(options.stallData)] }

        // The port comes back in a file, not through a pipe: polling a file stays reliable with
        // many processes starting at once.
        let readyFile = saveDirectory + "/ready"
        arguments += ["--ready-file", readyFile]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        // stderr to a file: TLS failures make aiosmtpd print tracebacks that could fill a pipe.
        let logPath = saveDirectory + "/server.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        defer { try? log?.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // Give up only after 30 s *and* many looks: under a loaded full suite this task may not
        // be scheduled for a long time, and the deadline alone would fail a server that is ready.
        let deadline = Date().addingTimeInterval(30)
        var looks = 0
        while process.isRunning {
            if let text = try? String(contentsOfFile: readyFile, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return SMTPTestServer(port: port, saveDirectory: saveDirectory, process: process)
            }
            looks += 1
            if Date() >= deadline && looks >= 200 { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let waited = process.isRunning ? "still starting after 30 s" : "exited with status \(process.terminationStatus)"
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: saveDirectory)
        throw StartFailure(description: "smtp_server.py did not become ready (\(waited)): \(stderr)")
    }

    private init(port: Int, saveDirectory: String, process: Process) {
        self.port = port
        self.saveDirectory = saveDirectory
        self.process = process
    }

    deinit { stop() }

    /// Stops the server and removes what it saved.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: saveDirectory)
    }

    /// A loopback port nobody listens on right now (bound, then released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartFailure(description: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw StartFailure(description: "bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Messages accepted so far, in order.
    public func received() throws -> [ReceivedMessage] {
        let names = try FileManager.default.contentsOfDirectory(atPath: saveDirectory)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let base = saveDirectory + "/" + String(name.dropLast(5))
            var message = try JSONDecoder().decode(ReceivedMessage.self, from: Data(contentsOf: URL(fileURLWithPath: base + ".json")))
            message.raw = try Data(contentsOf: URL(fileURLWithPath: base + ".eml"))
            return message
        }
    }

    /// How many messages the server has swallowed without answering (`stallData`).
    public func stalledCount() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: saveDirectory)) ?? [])
            .filter { $0.hasPrefix("stalled-") && !$0.hasSuffix(".tmp") }.count
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }
}

/// What the test server received, as Python's `email` package sees it.
public struct ReceivedMessage: Decodable, Sendable {
    public struct Part: Decodable, Sendable {
        public var content_type: String
        public var charset: String?
        public var transfer_encoding: String
        public var content: String?
    }

    public var mail_from: String
    public var rcpt_tos: [String]
    public var tls: Bool
    public var auth_user: String?
    public var ehlo: String?
    public var headers: [String: [String]]
    public var subject: String?
    public var content_type: String?
    public var parts: [Part]?
    public var defects: [String]
    public var max_line_octets: Int?
    public var bare_line_feeds: Int?
    public var bare_carriage_returns: Int?
    public var non_ascii_octets: Int?
    /// The bytes as received (dot-transparency undone).
    public var raw = Data()

    enum CodingKeys: String, CodingKey {
        case mail_from, rcpt_tos, tls, auth_user, ehlo, headers, subject, content_type, parts, defects,
             max_line_octets, bare_line_feeds, bare_carriage_returns, non_ascii_octets
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()]?.first }

    public func part(_ contentType: String) -> Part? { parts?.first { $0.content_type == contentType } }
}
