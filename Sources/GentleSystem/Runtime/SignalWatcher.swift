import Dispatch
import Foundation

/// Turns SIGHUP, SIGTERM and SIGINT into calls on the daemon's queue (the default actions are
/// switched off so Dispatch sources receive them).
public final class SignalWatcher: @unchecked Sendable {
    /// The signals the daemon handles.
    public static let handled: [Int32] = [SIGHUP, SIGTERM, SIGINT]

    /// Blocks the handled signals in the calling thread and every thread it starts later; call
    /// it first thing, before any thread exists. Dispatch reads them through a signalfd, which
    /// only sees blocked signals: a thread that left one unblocked (with SIG_IGN set) would make
    /// the kernel drop it instead.
    public static func blockHandledSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for signo in handled { sigaddset(&set, signo) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private var sources: [DispatchSourceSignal] = []

    init(queue: DispatchQueue, handlers: [Int32: @Sendable () -> Void]) {
        for (signo, handler) in handlers {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler(handler: handler)
            source.activate()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }
}
