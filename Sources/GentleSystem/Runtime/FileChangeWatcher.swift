import CLinux
import Dispatch
import Foundation
import Logging

/// Watches one file by name through inotify on its directory, so editors that save by writing
/// a temp file and renaming it over the original are noticed as well as in-place writes,
/// deletions and re-creations. Bursts of events (an editor's save) are coalesced.
final class FileChangeWatcher: @unchecked Sendable {
    private let fd: Int32
    private let source: DispatchSourceRead
    private let queue: DispatchQueue
    private var pending: DispatchWorkItem?

    /// `onChange` runs on `queue`, `debounce` after the last event of a burst.
    init?(path: String, queue: DispatchQueue, logger: Logger, debounce: TimeInterval = 0.25,
          onChange: @escaping @Sendable () -> Void) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let fd = inotify_init1(gentle_inotify_init_flags())
        guard fd >= 0 else {
            logger.warning("cannot watch \(path) for changes: \(String(cString: strerror(errno))); use SIGHUP to reload")
            return nil
        }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            logger.warning("cannot watch \(directory) for changes: \(String(cString: strerror(errno))); use SIGHUP to reload")
            close(fd)
            return nil
        }
        self.fd = fd
        self.queue = queue
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in
            guard let self else { return }
            if self.drainEvents(matching: name) { self.schedule(onChange, after: debounce) }
        }
        source.setCancelHandler { close(fd) }
        source.activate()
    }

    /// Reads all queued events; true if any concerned our file name.
    private func drainEvents(matching name: String) -> Bool {
        var matched = false
        let headerSize = MemoryLayout<inotify_event>.size
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            var offset = 0
            while offset + headerSize <= n {
                let length = buffer.withUnsafeBytes { raw -> Int in
                    Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                }
                let nameStart = offset + headerSize
                let nameEnd = min(nameStart + length, n)
                let nameBytes = buffer[nameStart..<nameEnd].prefix { $0 != 0 }
                if String(decoding: nameBytes, as: UTF8.self) == name { matched = true }
                offset = nameStart + length
            }
        }
        return matched
    }

    private func schedule(_ action: @escaping @Sendable () -> Void, after delay: TimeInterval) {
        pending?.cancel()
        let item = DispatchWorkItem(block: action)
        pending = item
        queue.asyncAfter(deadline: .now() + delay, execute: item)
    }

    func cancel() {
        pending?.cancel()
        source.cancel()
    }
}
