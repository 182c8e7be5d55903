import Foundation
import GentleCore
import Logging

extension Daemon {
    /// What channels report, turned into log records (and, for replies, into planning changes).
    func handle(_ event: ChannelEvent) {
        guard !stopped else { return }
        switch event {
        case let .delivered(occurrence, channel, detail):
            keep(EventRecord(kind: .delivered, at: now(), occurrence: occurrence, channel: channel.rawValue,
                              reason: detail))
        case let .held(occurrence, channel, reason):
            logger.notice("holding a check-in: \(reason)", metadata: ["occurrence": "\(occurrence)"])
            keep(EventRecord(kind: .held, at: now(), occurrence: occurrence, channel: channel.rawValue, reason: reason))
        case let .failed(occurrence, channel, error):
            logger.warning("\(channel.rawValue) could not deliver: \(error)", metadata: ["occurrence": "\(occurrence)"])
            keep(EventRecord(kind: .failed, at: now(), occurrence: occurrence, channel: channel.rawValue, error: error))
            // Fall back to the next channel the check-in lists, if any.
            if let delivery = recent[occurrence], delivery.staleAt > now(),
               delivery.channels.contains(where: { !(tried[occurrence] ?? []).contains($0) }) {
                dispatch(delivery)
            }
        case let .droppedStale(occurrence, channel, error):
            keep(EventRecord(kind: .droppedStale, at: now(), occurrence: occurrence, channel: channel.rawValue,
                              error: error, reason: "stale: could not be delivered in time"))
        case let .reply(occurrence, channel, action, note):
            // The parent already answered: kept even if the log refuses it for now.
            _ = acceptReply(occurrence: occurrence, actionKey: action, note: note, channel: channel.rawValue,
                            keepIfUnwritable: true)
        case let .expired(occurrence, channel):
            keep(EventRecord(kind: .expired, at: now(), occurrence: occurrence, channel: channel.rawValue))
            recompute(reason: "expired")
        case let .dismissed(occurrence, channel):
            keep(EventRecord(kind: .dismissed, at: now(), occurrence: occurrence, channel: channel.rawValue))
            recompute(reason: "dismissed")
        case let .availabilityChanged(channel, available):
            logger.info("\(channel.rawValue) channel is \(available ? "available" : "unavailable")")
        }
    }

    public enum ReplyError: Error, Equatable, CustomStringConvertible {
        case unknownCheckin(String)
        case actionNotOffered(action: String, offered: [String])
        case journal(String)

        public var description: String {
            switch self {
            case .unknownCheckin(let id): return "no check-in \"\(id)\" in the current config"
            case let .actionNotOffered(action, offered):
                return "\"\(action)\" is not a reply this check-in offers; use one of: \(offered.joined(separator: ", "))"
            case .journal(let text): return "cannot write the event log: \(text)"
            }
        }
    }

    /// Records a reply after checking the action against what the occurrence offered (action
    /// keys arrive from the bus and the command line: untrusted). A snooze also schedules it again.
    /// `keepIfUnwritable`: for answers given in a notification or at the console, which cannot
    /// be asked for again; the command line reports the failure instead, so it can be retried.
    func acceptReply(occurrence: OccurrenceID, actionKey: String, note: String?, channel: String,
                     keepIfUnwritable: Bool = false) -> Result<Void, ReplyError> {
        let offered = offeredActions(for: occurrence)
        guard let offeredActions = offered else { return .failure(.unknownCheckin(occurrence.checkin)) }
        guard let action = CheckinAction(key: actionKey),
              action == .opened || offeredActions.contains(action) else {
            logger.warning("ignored a reply with an action that was not offered", metadata: [
                "occurrence": "\(occurrence)", "channel": "\(channel)",
            ])
            return .failure(.actionNotOffered(action: String(actionKey.prefix(64)), offered: offeredActions.map(\.key)))
        }
        let suggestion = recent[occurrence] ?? nil
        let memory = state.kidDates.suggestionByOccurrence[occurrence]
        let moment = now()
        let reply = EventRecord(kind: .reply, at: moment, occurrence: occurrence, channel: channel, action: action.key,
                                note: ReplyNote.clean(note), child: suggestion?.child ?? memory?.child,
                                occasion: suggestion?.occasion ?? memory?.occasion)
        if keepIfUnwritable {
            keep(reply)
        } else {
            guard writeNow(reply) else { return .failure(.journal(journalProblem ?? "unknown error")) }
        }
        logger.info("reply \(action.key)\(reply.note == nil ? "" : " with a note")", metadata: reply.logMetadata)
        if case .snooze(let duration) = action {
            let until = moment.addingTimeInterval(duration.timeInterval)
            keep(EventRecord(kind: .snoozed, at: moment, occurrence: occurrence, channel: channel, until: until))
        }
        channelSet?.withdraw(occurrence, except: Channel(rawValue: channel))
        recompute(reason: "reply")
        return .success(())
    }

    /// What a reply to this occurrence may say: what was offered when it fired, else what the
    /// check-in offers now; nil when the check-in does not exist.
    func offeredActions(for occurrence: OccurrenceID) -> [CheckinAction]? {
        if let delivery = recent[occurrence] { return delivery.actions }
        if occurrence.checkin == kidDateCheckinID { return [.tookIt, .notThisTime, .closerToTheDay] }
        return config.checkin(id: occurrence.checkin)?.actions
    }
}

/// Notes are the parent's own words: kept as written, minus control characters, within reason.
public enum ReplyNote {
    public static let maxLength = 2000

    public static func clean(_ note: String?) -> String? {
        guard let note else { return nil }
        let kept = note.unicodeScalars.filter { !($0.properties.generalCategory == .control && $0 != "\n") }
        var text = String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > maxLength { text = String(text.prefix(maxLength)) }
        return text.isEmpty ? nil : text
    }
}
