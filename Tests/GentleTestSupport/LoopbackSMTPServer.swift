#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The least SMTP server that a client can send a message to: a python3 standard-library
/// script on 127.0.0.1 and ::1 (ephemeral ports) that accepts every command, for checking that
/// a sandboxed process reaches SMTP at all. It counts the messages it took. (The email
/// channel's own tests use aiosmtpd for the protocol itself.)
public final class LoopbackSMTPServer: @unchecked Sendable {
    public private(set) var port4 = 0
    /// 0 when IPv6 loopback is not available on this machine.
    public private(set) var port6 = 0
    private let process = Process()
    private let output: Pipe
    private let lock = NSLock()
    private var lines: [String] = []
    private var buffer = Data()

    public init(timeout: TimeInterval = 10) throws {
        output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-u", "-c", Self.script]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.take(handle.availableData) }
        let deadline = Date().addingTimeInterval(timeout)
        var ports: [String: Int] = [:]
        while Date() < deadline && ports.count < 2 {
            for line in snapshot() {
                let parts = line.split(separator: " ")
                if parts.count == 2, parts[0] == "port4" || parts[0] == "port6" { ports[String(parts[0])] = Int(parts[1]) }
            }
            usleep(20_000)
        }
        guard let p4 = ports["port4"], let p6 = ports["port6"] else {
            process.terminate()
            throw POSIXError(.ETIMEDOUT)
        }
        port4 = p4
        port6 = p6
    }

    deinit { stop() }

    /// Messages accepted so far (one per DATA).
    public var mailCount: Int { snapshot().filter { $0 == "message" }.count }

    public func stop() {
        output.fileHandleForReading.readabilityHandler = nil
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func take(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 10) {
            lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
    }

    private func snapshot() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    static let script = #"""
        import socket, threading
        def serve(listener):
            while True:
                conn, _ = listener.accept()
                threading.Thread(target=session, args=(conn,), daemon=True).start()
        def session(conn):
            f = conn.makefile('rwb')
            def reply(text):
                f.write(text.encode() + b'\r\n'); f.flush()
            reply('220 loopback ESMTP')
            in_data = False
            for raw in f:
                line = raw.decode('utf-8', 'replace').rstrip('\r\n')
                if in_data:
                    if line == '.':
                        in_data = False
                        print('message', flush=True)
                        reply('250 queued')
                    continue
                verb = line[:4].upper()
                if verb == 'DATA':
                    in_data = True
                    reply('354 end with .')
                elif verb == 'QUIT':
                    reply('221 bye')
                    break
                else:
                    reply('250 ok')
            conn.close()
        def listen(family, address):
            try:
                s = socket.socket(family, socket.SOCK_STREAM)
                s.bind((address, 0))
                s.listen(16)
            except OSError:
                return 0
            threading.Thread(target=serve, args=(s,), daemon=True).start()
            return s.getsockname()[1]
        print('port4', listen(socket.AF_INET, '127.0.0.1'), flush=True)
        print('port6', listen(socket.AF_INET6, '::1'), flush=True)
        threading.Event().wait()
        """#
}
