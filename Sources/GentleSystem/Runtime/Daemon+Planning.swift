import Foundation
import GentleCore
import Logging

extension Daemon {
    /// Asks the planner what is due, writes each record before acting on it, hands deliveries
    /// to channels, and re-arms the one timer. Called on the daemon's queue only.
    func recompute(reason: String) {
        guard !stopped else { return }
        // What channels reported while the log refused writes goes in first, in order.
        guard writeUnwritten() else { return retryAfterJournalFailure() }
        let moment = now()
        let decision = planner.decide(now: moment, state: state)
        for step in decision.steps {
            switch step {
            case .record(let record):
                guard write(record) else { return retryAfterJournalFailure() }
                logSettled(record)
            case .fire(let record, let delivery):
                guard write(record) else { return retryAfterJournalFailure() }
                lastFired = delivery.occurrence
                remember(delivery)
                dispatch(delivery)
            }
        }
        upcoming = decision.upcoming
        if let wake = decision.wakeAt { timer?.arm(at: wake) } else { timer?.disarm() }
        publishStatus()
        scheduleIdleTrim(nextWake: decision.wakeAt)
        logger.trace("recomputed (\(reason)); next wake \(decision.wakeAt.map { "\($0)" } ?? "never")")
    }

    /// Once nothing has happened for `idleTrimDelay` and the next wake-up is further away than
    /// that, hands start-up pages back to the kernel (see `IdleMemory`). Busy daemons (a
    /// check-in every few seconds) never trim.
    func scheduleIdleTrim(nextWake: Date?) {
        idleTrim?.cancel()
        let delay = Daemon.idleTrimDelay
        if let wake = nextWake, wake.timeIntervalSince(now()) < delay * 2 { return }
        let item = DispatchWorkItem { [weak self] in
            guard let self, !self.stopped else { return }
            self.logger.debug("idle: handing start-up memory back (resident \(IdleMemory.residentKiB().map { "\($0)" } ?? "?") KiB)")
            IdleMemory.release()
        }
        idleTrim = item
        queue.asyncAfter(deadline: .now() + delay, execute: item)
    }

    static let idleTrimDelay: TimeInterval = 10

    /// Appends and applies one record. A record that cannot be made durable does not count:
    /// the state is left as it was so the same decision is taken again once the log works.
    @discardableResult
    func write(_ record: EventRecord) -> Bool {
        do {
            try journal.append(record)
        } catch {
            let text = "\(error)"
            if journalProblem != text {
                logger.error("cannot write the event log: \(text); holding check-ins until it works again",
                             metadata: record.logMetadata)
            }
            journalProblem = text
            return false
        }
        if journalProblem != nil {
            logger.notice("the event log is writable again")
            journalProblem = nil
        }
        state.apply(record)
        return true
    }

    /// Records what a channel reports (delivered, held, a reply…): these are facts, already
    /// true whether or not the log takes them now, so one the log refuses is kept in memory and
    /// written, in order and before anything else, once the log works again.
    func keep(_ record: EventRecord) {
        if unwritten.isEmpty, write(record) { return }
        if unwritten.count >= Self.unwrittenLimit {
            logger.error("too many records waiting for the event log; dropping the oldest",
                         metadata: unwritten[0].logMetadata)
            unwritten.removeFirst()
        }
        unwritten.append(record)
        retryAfterJournalFailure()
    }

    /// Far more than a day of check-ins can produce; only a log broken for days reaches it.
    static let unwrittenLimit = 1000

    /// Writes the kept records; false (leaving the rest kept) when the log still refuses.
    func writeUnwritten() -> Bool {
        while let record = unwritten.first {
            guard write(record) else { return false }
            unwritten.removeFirst()
        }
        return true
    }

    /// Writes `record` after the kept ones, for callers that report a failure themselves (the
    /// control interface); false, with nothing kept, when the log refuses.
    func writeNow(_ record: EventRecord) -> Bool {
        writeUnwritten() && write(record)
    }

    /// Tries again after `journalRetry`, or at the next wake-up if that comes sooner.
    func retryAfterJournalFailure() {
        let moment = now()
        let retry = moment.addingTimeInterval(options.journalRetry)
        if let armed = timer?.deadline, armed > moment, armed < retry {
            // Already set to wake sooner (the next check-in); that attempt retries too.
        } else {
            timer?.arm(at: retry)
        }
        publishStatus()
    }

    private func logSettled(_ record: EventRecord) {
        switch record.kind {
        case .droppedStale:
            logger.notice("let a late check-in go: \(record.reason ?? "")", metadata: record.logMetadata)
        default:
            logger.info("passed over: \(record.reason ?? "")", metadata: record.logMetadata)
        }
    }

    func remember(_ delivery: Delivery) {
        if recent[delivery.occurrence] == nil { recentOrder.append(delivery.occurrence) }
        recent[delivery.occurrence] = delivery
        while recentOrder.count > 256 {
            let old = recentOrder.removeFirst()
            recent[old] = nil
            tried[old] = nil
        }
    }

    /// Hands a delivery to the best channel not yet tried for it; with none left it fails.
    func dispatch(_ delivery: Delivery) {
        let already = tried[delivery.occurrence] ?? []
        guard let channel = channelSet?.choose(for: delivery, excluding: already) else {
            keep(EventRecord(kind: .failed, at: now(), occurrence: delivery.occurrence,
                              error: "no channel could take it (tried \(already.map(\.rawValue).sorted().joined(separator: ", ")))"))
            return
        }
        tried[delivery.occurrence, default: []].insert(channel.channel)
        logger.info("check-in \"\(delivery.title)\" via \(channel.channel.rawValue)", metadata: [
            "checkin.id": "\(delivery.checkinID)", "occurrence": "\(delivery.occurrence)",
            "channel": "\(channel.channel.rawValue)",
        ])
        channel.deliver(delivery)
    }

    /// `STATUS=` for systemctl status: problems first, then what comes next.
    func statusLine(at moment: Date) -> String {
        var parts: [String] = []
        if let problem = journalProblem { parts.append("Cannot write the event log (\(problem)); holding check-ins.") }
        if let problem = configProblem { parts.append("Config not reloaded: \(problem) Still running the last good config.") }
        let text = StatusText(clock: planner.clock)
        if let until = state.pausedUntil, until > moment {
            parts.append("Paused until \(text.when(until, now: moment)).")
        }
        if let next = upcoming {
            parts.append(text.next(title: next.title, due: next.due, now: moment))
        } else {
            parts.append("Nothing scheduled.")
        }
        return parts.joined(separator: " ")
    }

    func publishStatus() {
        let moment = now()
        manager.send("STATUS=" + statusLine(at: moment).replacingOccurrences(of: "\n", with: " "))
        // The same line in the log (and in the terminal under `make run`), once per change.
        if upcoming != announced {
            announced = upcoming
            if let next = upcoming {
                logger.info("\(StatusText(clock: planner.clock).next(title: next.title, due: next.due, now: moment))",
                            metadata: ["occurrence": "\(next.occurrence.text)"])
            }
        }
    }
}

extension EventRecord {
    /// swift-log metadata with the keys our journal fields are made from.
    var logMetadata: Logger.Metadata {
        var m: Logger.Metadata = [:]
        if let c = checkin { m["checkin.id"] = "\(c)" }
        if let o = occurrence { m["occurrence"] = "\(o.text)" }
        if let ch = channel { m["channel"] = "\(ch)" }
        return m
    }
}
