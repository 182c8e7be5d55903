import CCurl
import Foundation

/// State shared with libcurl's C callbacks for one transfer.
final class CurlSMTPSession: @unchecked Sendable {
    let bytes: [UInt8]
    var offset = 0
    let abort: AbortSignal
    /// Reply lines in progress (`250-…` continuation lines) and the last complete reply.
    var pendingLines: [String] = []
    var lastReply: String?

    /// Sockets libcurl has open, guarded by `socketLock`: an abort from another thread shuts them
    /// down, and a socket is closed only under the lock, so a reused fd number is never touched.
    private let socketLock = NSLock()
    private var sockets: Set<Int32> = []
    private var connectionsShutDown = false

    init(bytes: [UInt8], abort: AbortSignal) {
        self.bytes = bytes
        self.abort = abort
    }

    func opened(_ fd: Int32) {
        socketLock.lock()
        sockets.insert(fd)
        if connectionsShutDown { shutdown(fd, Int32(SHUT_RDWR)) }
        socketLock.unlock()
    }

    func close(_ fd: Int32) -> Int32 {
        socketLock.lock()
        defer { socketLock.unlock() }
        sockets.remove(fd)
        return Glibc.close(fd)
    }

    func shutDownConnections() {
        socketLock.lock()
        connectionsShutDown = true
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
        socketLock.unlock()
    }

    func record(_ chunk: String) {
        for raw in chunk.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
            let line = String(raw)
            pendingLines.append(line)
            // "250 OK" ends a reply; "250-SIZE …" continues it.
            let u = Array(line.utf8)
            if u.count >= 3, u.prefix(3).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), u.count == 3 || u[3] == 0x20 {
                lastReply = pendingLines.joined(separator: " / ")
                pendingLines.removeAll()
            }
            if pendingLines.count > 50 { pendingLines.removeFirst(pendingLines.count - 50) }
        }
    }
}

let curlReadMessage: curl_read_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    let session = Unmanaged<CurlSMTPSession>.fromOpaque(context).takeUnretainedValue()
    if session.abort.isRaised { return Int(CURL_READFUNC_ABORT) }
    let n = min(size * count, session.bytes.count - session.offset)
    guard n > 0 else { return 0 }
    session.bytes.withUnsafeBufferPointer { source in
        guard let base = source.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + session.offset, byteCount: n)
    }
    session.offset += n
    return n
}

let curlRecordReply: curl_debug_callback = { _, type, data, size, context in
    guard type == CURLINFO_HEADER_IN, let data, let context else { return 0 }
    let session = Unmanaged<CurlSMTPSession>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    session.record(String(decoding: bytes, as: UTF8.self))
    return 0
}

let curlOpenSocket: curl_opensocket_callback = { context, _, address in
    guard let context, let address else { return CURL_SOCKET_BAD }
    let fd = socket(address.pointee.family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
    guard fd >= 0 else { return CURL_SOCKET_BAD }
    Unmanaged<CurlSMTPSession>.fromOpaque(context).takeUnretainedValue().opened(fd)
    return fd
}

let curlCloseSocket: curl_closesocket_callback = { context, fd in
    guard let context else { return Glibc.close(fd) }
    return Unmanaged<CurlSMTPSession>.fromOpaque(context).takeUnretainedValue().close(fd)
}

let curlCheckAbort: curl_xferinfo_callback = { context, _, _, _, _ in
    guard let context else { return 0 }
    return Unmanaged<CurlSMTPSession>.fromOpaque(context).takeUnretainedValue().abort.isRaised ? 1 : 0
}
