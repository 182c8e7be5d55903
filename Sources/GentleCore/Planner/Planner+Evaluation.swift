import Foundation

struct Outcome {
    var record: EventRecord
    var delivery: Delivery?
    var messageIndex: Int
}

extension Planner {
    /// Settles a candidate whose time has come: let it pass (with the reason) or fire it.
    func evaluate(_ placed: Placed, now: Date, state: PlannerState) -> Outcome {
        let c = placed.candidate
        let due = placed.effectiveDue
        if state.isPaused(at: due) {
            let until = state.pausedUntil.map { clockText($0) } ?? "resumed"
            return skip(placed, now: now, .paused, "check-ins are paused until \(until)")
        }
        if placed.quietSkip {
            return skip(placed, now: now, .quietHours, "inside quiet hours \(config.quietHours?.description ?? "")")
        }
        let lateness = now.timeIntervalSince(due)
        if lateness > c.staleAfter.timeInterval {
            var record = baseRecord(.droppedStale, placed, now: now)
            record.reason = "stale: due \(clockText(due)), \(GentleDuration(seconds: Int64(lateness)).inWords) late "
                + "(stale_after is \(c.staleAfter.inWords))"
            return Outcome(record: record, delivery: nil, messageIndex: 0)
        }
        if c.obeysBackoff, let b = state.backoff[c.checkin], b.skipsRemaining > 0 {
            return skip(placed, now: now, .backoff, "giving this one some room after it was let go")
        }
        if c.obeysDailyLimit, state.fires(onLocalDay: clock.localDay(due), clock: clock) >= config.maxPerDay {
            return skip(placed, now: now, .dailyLimit, "\(config.maxPerDay) check-ins already today (max_per_day)")
        }
        return fire(placed, now: now, state: state)
    }

    func fire(_ placed: Placed, now: Date, state: PlannerState) -> Outcome {
        let c = placed.candidate
        let index = rotation.index(checkin: c.checkin, fireNumber: state.fireCount[c.checkin] ?? 0,
                                   messageCount: c.messages.count)
        var record = baseRecord(.fired, placed, now: now)
        record.message = index
        let body = c.messages.isEmpty ? "" : c.render(c.messages[index])
        let delivery = Delivery(
            occurrence: c.occurrence, title: c.render(c.title), body: body, messageIndex: index, ask: c.ask,
            actions: c.actions, urgency: c.urgency, due: placed.effectiveDue,
            staleAt: placed.effectiveDue.addingTimeInterval(c.staleAfter.timeInterval), channels: c.channels,
            child: c.child, occasion: c.occasionKey)
        return Outcome(record: record, delivery: delivery, messageIndex: index)
    }

    private func skip(_ placed: Placed, now: Date, _ reason: SkipReason, _ words: String) -> Outcome {
        var record = baseRecord(.skipped, placed, now: now)
        record.reason = "\(reason.rawValue): \(words)"
        return Outcome(record: record, delivery: nil, messageIndex: 0)
    }

    private func baseRecord(_ kind: EventKind, _ placed: Placed, now: Date) -> EventRecord {
        let c = placed.candidate
        return EventRecord(kind: kind, at: now, occurrence: c.occurrence, checkin: c.checkin, scheduled: c.scheduled,
                           due: placed.effectiveDue, child: c.child, occasion: c.occasionKey,
                           origin: c.origin.recordValue)
    }

    /// `14:30`, or `Sat 14:30` when not today relative to the time itself — short and local.
    func clockText(_ date: Date) -> String {
        TimeOfDay(minuteOfDay: clock.minuteOfDay(date)).description
    }
}
