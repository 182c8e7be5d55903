#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation

/// The receiving end of `$NOTIFY_SOCKET`, as systemd's manager has it: an `AF_UNIX`
/// `SOCK_DGRAM` socket in a private temporary directory. It collects every datagram with the
/// time it arrived; tests wait for a message with a timeout. `close()` (or deinit) stops it and
/// removes the socket and its directory.
///
///     let listener = try NotifySocketListener()
///     defer { listener.close() }
///     // start the daemon with NOTIFY_SOCKET=listener.path
///     let ready = listener.waitFor("READY=1", timeout: 5)
public final class NotifySocketListener: @unchecked Sendable {
    public struct Datagram: Sendable, Equatable {
        /// The datagram as sent, e.g. `RELOADING=1\nMONOTONIC_USEC=123`.
        public var text: String
        public var receivedAt: Date
        /// CLOCK_MONOTONIC at arrival, in nanoseconds, to measure latencies.
        public var receivedMonotonicNanoseconds: UInt64

        /// Its `KEY=value` lines.
        public var assignments: [String: String] {
            var result: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                result[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
            return result
        }

        /// Whether one of its lines is exactly `assignment` (`READY=1`) or, for `KEY=`, starts a
        /// line with it (`STATUS=` matches any status).
        public func contains(_ assignment: String) -> Bool {
            text.split(separator: "\n").contains { assignment.hasSuffix("=") ? $0.hasPrefix(assignment) : $0 == assignment }
        }
    }

    /// Put this in the child's environment as `NOTIFY_SOCKET`.
    public let path: String
    private let directory: String
    private let fd: Int32
    private let source: DispatchSourceRead
    private let condition = NSCondition()
    private var received: [Datagram] = []
    private var isClosed = false

    public init() throws {
        directory = try PackagePaths.makeTemporaryDirectory("gentle-notify")
        path = directory + "/notify.sock"
        let socketFD = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard socketFD >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            Glibc.close(socketFD)
            try? FileManager.default.removeItem(atPath: directory)
            throw POSIXError(.ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            Glibc.close(socketFD)
            try? FileManager.default.removeItem(atPath: directory)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
        fd = socketFD
        source = DispatchSource.makeReadSource(fileDescriptor: socketFD, queue: DispatchQueue(label: "gentle.test.notify"))
        source.setEventHandler { [weak self] in self?.drain() }
        source.setCancelHandler { Glibc.close(socketFD) }
        source.resume()
    }

    deinit {
        close()
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                return  // EAGAIN: drained
            }
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            let datagram = Datagram(text: String(decoding: buffer[0..<n], as: UTF8.self), receivedAt: Date(),
                                    receivedMonotonicNanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
            condition.lock()
            received.append(datagram)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Everything received so far, in order of arrival.
    public var datagrams: [Datagram] {
        condition.lock()
        defer { condition.unlock() }
        return received
    }

    /// The first datagram (counting from `index`) that satisfies `predicate`, waiting up to
    /// `timeout` seconds for it; nil on timeout.
    public func waitFor(timeout: TimeInterval, from index: Int = 0, where predicate: (Datagram) -> Bool) -> Datagram? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if index < received.count, let match = received[index...].first(where: predicate) { return match }
            if isClosed || !condition.wait(until: deadline) {
                return index < received.count ? received[index...].first(where: predicate) : nil
            }
        }
    }

    /// The first datagram containing `assignment` (see `Datagram.contains`).
    public func waitFor(_ assignment: String, timeout: TimeInterval, from index: Int = 0) -> Datagram? {
        waitFor(timeout: timeout, from: index) { $0.contains(assignment) }
    }

    /// Stops listening and removes the socket and its directory. Safe to call twice.
    public func close() {
        condition.lock()
        let wasClosed = isClosed
        isClosed = true
        condition.broadcast()
        condition.unlock()
        guard !wasClosed else { return }
        source.cancel()
        unlink(path)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
