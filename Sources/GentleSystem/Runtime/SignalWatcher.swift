import Dispatch
import Foundation

/// Turns SIGHUP, SIGTERM and SIGINT into calls on the daemon's queue (the default actions are
/// switched off so Dispatch sources receive them).
final class SignalWatcher: @unchecked Sendable {
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
