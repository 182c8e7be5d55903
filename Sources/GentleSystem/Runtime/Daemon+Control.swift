import Foundation
import GentleCore
import Logging

/// What the control interface (D-Bus `io.github.gentle`) and tests can ask of a running daemon.
/// Every method hops onto the daemon's queue; arguments are validated here, not trusted.
extension Daemon {
    public struct StatusSnapshot: Sendable, Equatable {
        public var line: String
        public var next: UpcomingFire?
        public var pausedUntil: Date?
        public var lastFired: OccurrenceID?
        public var configPath: String
        public var timeZone: String
    }

    public enum ControlError: Error, Equatable, CustomStringConvertible {
        case invalidArgument(String)
        case unknownCheckin(String)
        case reply(ReplyError)

        public var description: String {
            switch self {
            case .invalidArgument(let text): return text
            case .unknownCheckin(let id): return "no check-in \"\(id)\" in the current config"
            case .reply(let e): return e.description
            }
        }
    }

    public func statusSnapshot() -> StatusSnapshot {
        queue.sync {
            StatusSnapshot(line: statusLine(at: now()), next: upcoming, pausedUntil: state.pausedUntil,
                           lastFired: lastFired, configPath: options.configPath,
                           timeZone: planner.clock.zone.identifier)
        }
    }

    /// The next `count` entries of the preview, from now, as the running daemon sees them.
    public func upcomingEntries(count: Int, days: Int = 7) -> [PreviewEntry] {
        queue.sync {
            let moment = now()
            return planner.preview(from: moment, until: moment.addingTimeInterval(Double(max(1, days)) * 86_400),
                                   limit: max(1, min(count, 500)), state: state)
        }
    }

    /// The occurrence `gentle reply --last` means.
    public func lastFiredOccurrence() -> OccurrenceID? { queue.sync { lastFired } }

    public func reply(occurrence text: String, action: String, note: String?, channel: String = "cli") -> Result<Void, ControlError> {
        queue.sync {
            guard let occurrence = OccurrenceID(parsing: text) else {
                return .failure(.invalidArgument("\"\(text.prefix(80))\" is not an occurrence id; they look like breathe@2026-11-27T14:30:00+01:00"))
            }
            return acceptReply(occurrence: occurrence, actionKey: action, note: note, channel: channel).mapError { .reply($0) }
        }
    }

    public func snooze(occurrence text: String, for duration: GentleDuration) -> Result<Date, ControlError> {
        guard duration.seconds >= 60, duration.seconds <= 7 * 86_400 else {
            return .failure(.invalidArgument("a snooze must be between 1m and 7d, got \(duration)"))
        }
        return queue.sync {
            guard let occurrence = OccurrenceID(parsing: text) else {
                return .failure(.invalidArgument("\"\(text.prefix(80))\" is not an occurrence id"))
            }
            guard config.checkin(id: occurrence.checkin) != nil || occurrence.checkin == kidDateCheckinID else {
                return .failure(.unknownCheckin(occurrence.checkin))
            }
            let moment = now()
            let until = moment.addingTimeInterval(duration.timeInterval)
            guard writeNow(EventRecord(kind: .snoozed, at: moment, occurrence: occurrence, channel: "cli", until: until)) else {
                return .failure(.reply(.journal(journalProblem ?? "unknown error")))
            }
            channelSet?.withdraw(occurrence, except: nil)
            recompute(reason: "snooze")
            return .success(until)
        }
    }

    public func pause(for duration: GentleDuration) -> Result<Date, ControlError> {
        guard duration.seconds >= 60, duration.seconds <= 90 * 86_400 else {
            return .failure(.invalidArgument("a pause must be between 1m and 90d, got \(duration)"))
        }
        return queue.sync {
            let moment = now()
            let until = moment.addingTimeInterval(duration.timeInterval)
            guard writeNow(EventRecord(kind: .paused, at: moment, until: until)) else {
                return .failure(.reply(.journal(journalProblem ?? "unknown error")))
            }
            logger.notice("paused until \(StatusText(clock: planner.clock).when(until, now: moment))")
            recompute(reason: "pause")
            return .success(until)
        }
    }

    public func resume() -> Result<Void, ControlError> {
        queue.sync {
            guard writeNow(EventRecord(kind: .resumed, at: now())) else {
                return .failure(.reply(.journal(journalProblem ?? "unknown error")))
            }
            recompute(reason: "resume")
            return .success(())
        }
    }

    /// `gentle fire CHECKIN`: deliver one right now, outside every rule.
    public func fireNow(checkin id: String) -> Result<OccurrenceID, ControlError> {
        queue.sync {
            guard CheckinID.isValid(id) else { return .failure(.invalidArgument("\"\(id.prefix(80))\" is not a check-in id")) }
            guard let (record, delivery) = planner.manualFire(checkin: id, now: now(), state: state) else {
                return .failure(.unknownCheckin(id))
            }
            guard writeNow(record) else { return .failure(.reply(.journal(journalProblem ?? "unknown error"))) }
            lastFired = delivery.occurrence
            remember(delivery)
            dispatch(delivery)
            return .success(delivery.occurrence)
        }
    }

    /// `gentle reload` and the D-Bus `Reload` method: the same as SIGHUP, and the outcome.
    public func reloadNow() -> String? {
        queue.sync {
            reload(trigger: "control interface")
            return configProblem
        }
    }
}
