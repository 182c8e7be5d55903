import Dispatch
import Foundation

/// Turns SIGHUP, SIGTERM and SIGINT into calls on the daemon's queue.
///
/// libdispatch installs its own handler for a signal only once the source is registered, which
/// happens asynchronously after `activate()`. Until then a SIGTERM keeps its default action (the
/// process ends, which is what a stop during start-up should do) and SIGHUP is ignored (there is
/// nothing to reload yet). `whenRegistered` tells the daemon when every handler is in place, so it
/// reports READY=1 only when a stop or reload can no longer be lost.
public final class SignalWatcher: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let registered = DispatchGroup()

    init(queue: DispatchQueue, handlers: [Int32: @Sendable () -> Void]) {
        signal(SIGHUP, SIG_IGN)
        for (signo, handler) in handlers {
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler(handler: handler)
            registered.enter()
            source.setRegistrationHandler { [registered] in registered.leave() }
            source.activate()
            sources.append(source)
        }
    }

    /// Runs `body` on `queue` once every signal source is registered.
    func whenRegistered(on queue: DispatchQueue, _ body: @escaping @Sendable () -> Void) {
        registered.notify(queue: queue, execute: body)
    }

    func cancel() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }
}
