import CLinux
import Dispatch
import Foundation

/// Reads single key presses from a terminal: while started, the terminal is in non-canonical
/// mode without echo (the console channel echoes what it keeps); stopping restores it exactly.
final class TerminalKeyReader: @unchecked Sendable {
    private let fd: Int32
    private let queue: DispatchQueue
    private let onKey: @Sendable (UInt8) -> Void
    private var source: DispatchSourceRead?
    private var saved: termios?

    init(fd: Int32, queue: DispatchQueue, onKey: @escaping @Sendable (UInt8) -> Void) {
        self.fd = fd
        self.queue = queue
        self.onKey = onKey
    }

    /// Call on `queue`.
    func start() {
        guard source == nil else { return }
        var attributes = termios()
        guard tcgetattr(fd, &attributes) == 0 else { return }
        saved = attributes
        attributes.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &attributes.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(fd, TCSANOW, &attributes)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in
            guard let self else { return }
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = buffer.withUnsafeMutableBytes { read(self.fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                self.stop()
                return
            }
            for byte in buffer[0..<n] { self.onKey(byte) }
        }
        source.activate()
        self.source = source
    }

    /// Call on `queue`.
    func stop() {
        source?.cancel()
        source = nil
        if var attributes = saved {
            tcsetattr(fd, TCSANOW, &attributes)
            saved = nil
        }
    }
}
