import Foundation
import GentleCore
import Logging

/// Check-ins by email. `deliver` returns at once; the message is composed and written to the
/// outbox on the channel's state queue, and sent on a separate send queue (transports block).
/// Temporary failures (and configuration problems, so a fixed password file takes effect) are
/// retried with `RetrySchedule` until the occurrence goes stale; 5xx refusals fail at once.
///
/// Events, through the sink: `.delivered` when the server accepted it; `.held` once per message
/// after its first failed try; `.failed` for a permanent refusal or a message that cannot be
/// composed; `.droppedStale` with the last error when it ran out of time;
/// `.availabilityChanged` when messages start or stop waiting for a retry.
///
/// Pending messages found in the outbox at creation are resumed (see `pendingOccurrences`).
public final class EmailChannel: DeliveryChannel, @unchecked Sendable {
    public let channel: Channel = .email
    public let transport: MailTransport
    let outbox: Outbox
    let builder: EmailMessageBuilder
    let retrySchedule: RetrySchedule
    let logger: Logger
    let sink: ChannelEventSink
    let now: @Sendable () -> Date
    let makeToken: @Sendable () -> String
    /// How long `shutdown` waits for an abandoned send to unwind.
    let shutdownGrace: TimeInterval

    private let stateQueue = DispatchQueue(label: "gentle.email.state")
    private let sendQueue = DispatchQueue(label: "gentle.email.send")
    private let timer: DispatchSourceTimer
    private let sendEnded = DispatchSemaphore(value: 0)

    // State below is touched only on `stateQueue`, except through `lock` where noted.
    private var entries: [String: OutboxEntry] = [:]
    private var inFlight: (name: String, abort: AbortSignal)?
    private var withdrawn: Set<String> = []
    private var heldReported: Set<String> = []
    private var isShutDown = false
    private let lock = NSLock()
    private var available = true // under `lock`
    private var pending: [OccurrenceID] = [] // under `lock`

    /// - Parameters:
    ///   - hostName: right-hand side of Message-IDs and the default EHLO name.
    ///   - timeZone: zone of the `Date:` header (the config's zone).
    ///   - now: the clock for retry bookkeeping; timers always run on the wall clock.
    public init(settings: EmailSettings, transport: MailTransport, outbox: Outbox, hostName: String,
                timeZone: TimeZone, retrySchedule: RetrySchedule = .standard, logger: Logger,
                shutdownGrace: TimeInterval = 2, now: @escaping @Sendable () -> Date = { Date() },
                makeToken: @escaping @Sendable () -> String = EmailChannel.randomToken,
                sink: @escaping ChannelEventSink) throws {
        builder = try EmailMessageBuilder(settings: settings, hostName: hostName, timeZone: timeZone)
        self.transport = transport
        self.outbox = outbox
        self.retrySchedule = retrySchedule
        self.logger = logger
        self.shutdownGrace = shutdownGrace
        self.now = now
        self.makeToken = makeToken
        self.sink = sink
        timer = DispatchSource.makeTimerSource(queue: stateQueue)

        let (loaded, problems) = outbox.load()
        for problem in problems { logger.error("\(problem)") }
        for entry in loaded { entries[entry.fileName] = entry }
        publishPending()
        if !loaded.isEmpty {
            logger.notice("resuming \(loaded.count) message(s) from the outbox", metadata: ["outbox": "\(outbox.directory)"])
        }
        timer.setEventHandler { [weak self] in self?.process() }
        timer.schedule(wallDeadline: .distantFuture)
        timer.resume()
        stateQueue.async { self.process() }
    }

    public var isAvailable: Bool {
        lock.lock()
        defer { lock.unlock() }
        return available
    }

    /// Occurrences with a message still waiting in the outbox (loaded at start or queued since).
    /// The runtime should not hand these out again after a restart.
    public var pendingOccurrences: [OccurrenceID] {
        lock.lock()
        defer { lock.unlock() }
        return pending
    }

    public func deliver(_ delivery: Delivery) {
        stateQueue.async { self.accept(delivery) }
    }

    public func withdraw(_ occurrence: OccurrenceID) {
        stateQueue.async {
            guard let (name, entry) = self.entries.first(where: { $0.value.occurrence == occurrence }) else { return }
            if self.inFlight?.name == name {
                self.withdrawn.insert(name)
                return
            }
            self.discard(entry)
            self.logger.info("withdrawn from the outbox", metadata: self.metadata(entry))
            self.process()
        }
    }

    /// Stops retries and abandons an in-flight send (it stays in the outbox and is resumed by the
    /// next start). Waits up to `shutdownGrace` for that send to unwind.
    public func shutdown() {
        let sending: Bool = stateQueue.sync {
            isShutDown = true
            timer.cancel()
            inFlight?.abort.raise()
            return inFlight != nil
        }
        if sending && sendEnded.wait(timeout: .now() + shutdownGrace) == .timedOut {
            logger.warning("a send was still running at shutdown; its message stays in the outbox")
        }
    }

    // MARK: - State queue

    private func accept(_ delivery: Delivery) {
        let occurrence = delivery.occurrence
        guard !isShutDown else {
            logger.warning("email channel is shut down; not sending", metadata: ["occurrence": "\(occurrence)"])
            return
        }
        let time = now()
        if delivery.staleAt <= time {
            sink(.droppedStale(occurrence, .email, error: nil))
            return
        }
        if entries.values.contains(where: { $0.occurrence == occurrence }) {
            logger.debug("already in the outbox", metadata: ["occurrence": "\(occurrence)"])
            return
        }
        let message: EmailMessage
        do {
            message = try builder.build(delivery, token: makeToken(), date: time)
        } catch {
            logger.error("cannot compose the email: \(error)", metadata: ["occurrence": "\(occurrence)"])
            sink(.failed(occurrence, .email, error: "cannot compose the email: \(error)"))
            return
        }
        let entry = OutboxEntry(occurrence: occurrence, staleAt: delivery.staleAt, createdAt: time, nextAttempt: time, message: message)
        entries[entry.fileName] = entry
        persist(entry)
        publishPending()
        process()
    }

    /// Drops what went stale, starts the next due send, and arms the timer for the next event.
    private func process() {
        guard !isShutDown else { return }
        let time = now()
        for (name, entry) in entries where name != inFlight?.name && entry.staleAt <= time {
            discard(entry)
            logger.notice("gave up: stale", metadata: metadata(entry))
            sink(.droppedStale(entry.occurrence, .email, error: entry.lastError))
        }
        if inFlight == nil, let next = entries.values.filter({ $0.nextAttempt <= time }).min(by: { $0.nextAttempt < $1.nextAttempt }) {
            startSend(next)
        }
        let waiting = entries.filter { $0.key != inFlight?.name }.map { min($0.value.nextAttempt, $0.value.staleAt) }
        if inFlight == nil, let wake = waiting.min() {
            timer.schedule(wallDeadline: EmailChannel.wallTime(max(wake, time)))
        } else {
            // While a send runs, its completion calls process() again.
            timer.schedule(wallDeadline: .distantFuture)
        }
        updateAvailability()
    }

    private func startSend(_ entry: OutboxEntry) {
        let name = entry.fileName
        let abort = AbortSignal()
        inFlight = (name, abort)
        logger.debug("sending", metadata: metadata(entry).merging(["email.transport": "\(transport.summary)"]) { a, _ in a })
        let transport = self.transport
        let message = entry.message
        sendQueue.async {
            let result = transport.send(message, abort: abort)
            self.stateQueue.async { self.finish(name, result) }
        }
    }

    private func finish(_ name: String, _ result: MailSendResult) {
        inFlight = nil
        defer {
            if isShutDown { sendEnded.signal() } else { process() }
        }
        guard var entry = entries[name] else { return }
        let wasWithdrawn = withdrawn.remove(name) != nil
        switch result {
        case .accepted(let detail):
            discard(entry)
            logger.info("delivered", metadata: metadata(entry).merging(["email.reply": "\(detail)"]) { a, _ in a })
            if !wasWithdrawn { sink(.delivered(entry.occurrence, .email, detail: detail)) }
        case .failed(let failure) where failure.kind == .aborted:
            logger.notice("send abandoned at shutdown; kept in the outbox", metadata: metadata(entry))
        case .failed(let failure) where failure.kind == .permanent:
            discard(entry)
            logger.error("refused: \(failure.message)", metadata: metadata(entry))
            if !wasWithdrawn { sink(.failed(entry.occurrence, .email, error: failure.message)) }
        case .failed(let failure):
            let time = now()
            entry.attempts += 1
            entry.lastError = failure.message
            if wasWithdrawn {
                discard(entry)
                return
            }
            guard let next = retrySchedule.nextAttempt(afterAttempts: entry.attempts, failedAt: time, staleAt: entry.staleAt) else {
                discard(entry)
                logger.notice("gave up: stale after \(entry.attempts) attempt(s): \(failure.message)", metadata: metadata(entry))
                sink(.droppedStale(entry.occurrence, .email, error: failure.message))
                return
            }
            entry.nextAttempt = next
            entries[name] = entry
            persist(entry)
            var details = metadata(entry)
            details["email.next_attempt"] = "\(ISO8601Offset.format(next, in: builder.timeZone))"
            details["email.failure"] = "\(failure.kind.rawValue)"
            if failure.kind == .configuration {
                logger.error("\(failure.message)", metadata: details)
            } else {
                logger.warning("\(failure.message)", metadata: details)
            }
            if !heldReported.contains(name) {
                heldReported.insert(name)
                sink(.held(entry.occurrence, .email, reason: failure.message))
            }
        }
    }

    private func discard(_ entry: OutboxEntry) {
        let name = entry.fileName
        entries[name] = nil
        heldReported.remove(name)
        withdrawn.remove(name)
        do {
            try outbox.remove(entry)
        } catch {
            logger.error("\(error)", metadata: metadata(entry))
        }
        publishPending()
    }

    private func persist(_ entry: OutboxEntry) {
        do {
            try outbox.write(entry)
        } catch {
            // Still worth sending from memory; it just would not survive a crash.
            logger.error("\(error); sending it without a copy on disk", metadata: metadata(entry))
        }
    }

    private func publishPending() {
        let occurrences = entries.values.map(\.occurrence).sorted()
        lock.lock()
        pending = occurrences
        lock.unlock()
    }

    /// Available unless some message is waiting for a retry.
    private func updateAvailability() {
        let nowAvailable = !entries.values.contains { $0.attempts > 0 }
        lock.lock()
        let changed = nowAvailable != available
        available = nowAvailable
        lock.unlock()
        if changed { sink(.availabilityChanged(.email, available: nowAvailable)) }
    }

    private func metadata(_ entry: OutboxEntry) -> Logger.Metadata {
        ["occurrence": "\(entry.occurrence)", "checkin.id": "\(entry.occurrence.checkin)",
         "email.message_id": "\(entry.message.messageID)", "email.attempts": "\(entry.attempts)"]
    }

    static func wallTime(_ date: Date) -> DispatchWallTime {
        let t = date.timeIntervalSince1970
        let seconds = t.rounded(.down)
        return DispatchWallTime(timespec: timespec(tv_sec: Int(seconds), tv_nsec: Int((t - seconds) * 1_000_000_000)))
    }
}
