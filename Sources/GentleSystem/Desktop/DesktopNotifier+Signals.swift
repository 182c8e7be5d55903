import Foundation
import GentleCore
import Logging

/// Turning the server's signals into channel events. Signals on a session bus can be sent by any
/// program of the user, so each one must come from the current owner of the name, have the
/// signature the spec gives it, and name a notification we showed (on that server) and still
/// track; action keys must be ones we offered.
extension DesktopNotifier {
    func actionInvoked(_ message: BusMessage) {
        guard let (id, entry) = accept(message, signature: "us"),
              case .string(let key) = message.arguments[1] else { return }
        guard entry.content.acceptedKeys.contains(key), key != NotificationContent.inlineReplyKey else {
            ignore(message, because: "action key '\(key.prefix(64))' was not offered")
            return
        }
        shown[id] = nil
        let occurrence = entry.delivery.occurrence
        let action = key == NotificationContent.defaultActionKey ? NotificationContent.defaultMeaning.key : key
        report(.reply(occurrence, .desktop, action: action, note: nil), entry, id)
        // dunst leaves a notification up after a context-menu action: take it down ourselves.
        closeNotification(id, on: entry.server)
    }

    func notificationClosed(_ message: BusMessage) {
        guard let (id, entry) = accept(message, signature: "uu"),
              case .uint32(let reason) = message.arguments[1] else { return }
        shown[id] = nil
        let occurrence = entry.delivery.occurrence
        switch reason {
        case 1:
            report(.expired(occurrence, .desktop), entry, id)
        case 3:
            // Closed through CloseNotification: by us (already untracked, so not here) or by
            // another program. Either way not the parent's answer.
            logger.debug("notification closed by a CloseNotification call",
                         metadata: meta(entry.delivery).merging(["notification.id": "\(id)"]) { $1 })
        default:
            // 2 is "dismissed by the user"; 4 and unknown reasons are treated the same way.
            report(.dismissed(occurrence, .desktop), entry, id)
        }
    }

    func notificationReplied(_ message: BusMessage) {
        guard let (id, entry) = accept(message, signature: "us"),
              case .string(let text) = message.arguments[1] else { return }
        guard entry.content.offersInlineReply else {
            ignore(message, because: "no reply field was offered on this notification")
            return
        }
        shown[id] = nil
        let action = NotificationContent.noteMeaning(of: entry.delivery.actions)
        report(.reply(entry.delivery.occurrence, .desktop, action: action.key, note: NotificationContent.cleanNote(text)),
               entry, id)
        closeNotification(id, on: entry.server)
    }

    /// The checks every signal passes: current owner, signature, a tracked id from that server.
    private func accept(_ message: BusMessage, signature: String) -> (UInt32, ShownNotification)? {
        guard let owner = ownerWatcher?.owner, message.sender == owner else {
            ignore(message, because: "it did not come from the notification server (owner \(ownerWatcher?.owner ?? "none"))")
            return nil
        }
        guard message.signature == signature, case .uint32(let id) = message.arguments.first else {
            ignore(message, because: "signature '\(message.signature)' is not '\(signature)'")
            return nil
        }
        guard let entry = shown[id], entry.server == owner else {
            // Ids of notifications we closed, or of other programs' notifications: normal.
            logger.trace("signal for a notification we do not track", metadata: ["notification.id": "\(id)"])
            return nil
        }
        return (id, entry)
    }

    private func ignore(_ message: BusMessage, because reason: String) {
        logger.warning("ignored a notification signal", metadata: [
            "bus.member": "\(message.member ?? "?")", "bus.sender": "\(message.sender ?? "?")", "reason": "\(reason)",
        ])
    }

    private func report(_ event: ChannelEvent, _ entry: ShownNotification, _ id: UInt32) {
        // The note itself stays out of the journal: it is the parent's, kept only in their log.
        let answer: String
        switch event {
        case .reply(_, _, let action, let note): answer = note == nil ? action : action + " (with a note)"
        case .expired: answer = "expired"
        case .dismissed: answer = "dismissed"
        default: answer = "?"
        }
        logger.info("notification answered", metadata: meta(entry.delivery).merging([
            "notification.id": "\(id)", "answer": "\(answer)",
        ]) { $1 })
        sink(event)
    }
}
