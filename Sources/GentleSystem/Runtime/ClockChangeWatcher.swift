import CLinux
import Dispatch
import Foundation
import Logging

/// Tells the daemon when wall-clock time jumped: `settimeofday`, NTP steps, and resume from
/// suspend. A CLOCK_REALTIME timerfd armed far ahead with TFD_TIMER_CANCEL_ON_SET reads
/// ECANCELED whenever the clock is set; Dispatch timers alone give no signal to act on.
final class ClockChangeWatcher: @unchecked Sendable {
    private let fd: Int32
    private let source: DispatchSourceRead
    private let logger: Logger

    /// `onChange` runs on `queue` after every step.
    init?(queue: DispatchQueue, logger: Logger, onChange: @escaping @Sendable () -> Void) {
        let fd = timerfd_create(CLOCK_REALTIME, gentle_tfd_create_flags())
        guard fd >= 0 else {
            logger.warning("cannot watch for clock changes: timerfd_create failed: \(String(cString: strerror(errno)))")
            return nil
        }
        self.fd = fd
        self.logger = logger
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        guard ClockChangeWatcher.arm(fd) else {
            logger.warning("cannot watch for clock changes: timerfd_settime failed: \(String(cString: strerror(errno)))")
            close(fd)
            return nil
        }
        source.setEventHandler { [fd, logger] in
            var expirations: UInt64 = 0
            let n = read(fd, &expirations, MemoryLayout<UInt64>.size)
            if n < 0 && errno == ECANCELED {
                logger.info("wall clock changed (clock step or resume); recomputing")
                _ = ClockChangeWatcher.arm(fd)
                onChange()
            } else if n > 0 {
                // Reached the far-future expiry (year 2262): arm it again.
                _ = ClockChangeWatcher.arm(fd)
            }
        }
        source.setCancelHandler { close(fd) }
        source.activate()
    }

    private static func arm(_ fd: Int32) -> Bool {
        var spec = itimerspec()
        spec.it_value.tv_sec = Int(Int64.max / 1_000_000_000)
        return timerfd_settime(fd, gentle_tfd_abstime_cancel_on_set(), &spec, nil) == 0
    }

    func cancel() { source.cancel() }
}
