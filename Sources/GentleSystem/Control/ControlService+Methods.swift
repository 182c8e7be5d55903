import Foundation
import GentleCore

extension ControlService {
    /// The exported interface; each method validates its arguments and calls the daemon.
    func interface(_ connection: BusConnection) -> BusInterface {
        let daemon = self.daemonRef
        return BusInterface(name: ControlInterface.interface, methods: [
            BusMethod("Status", outputs: [
                BusArgument("line", "s"), BusArgument("next_occurrence", "s"), BusArgument("next_title", "s"),
                BusArgument("next_due", "x"), BusArgument("paused_until", "x"), BusArgument("last_fired", "s"),
                BusArgument("config_path", "s"), BusArgument("time_zone", "s"),
            ]) { [unowned self] call in
                answer(call, on: connection) {
                    let s = daemon.statusSnapshot()
                    return .success([
                        .string(s.line), .string(s.next?.occurrence.text ?? ""), .string(s.next?.title ?? ""),
                        ControlService.unix(s.next?.due), ControlService.unix(s.pausedUntil),
                        .string(s.lastFired?.text ?? ""), .string(s.configPath), .string(s.timeZone),
                    ])
                }
            },
            BusMethod("Next", inputs: [BusArgument("count", "u")], outputs: [BusArgument("entries", "a(sssxs)")]) {
                [unowned self] call in
                let count = Int(min(call.arguments.first?.uint32Value ?? 10, 500))
                answer(call, on: connection) {
                    let entries = daemon.upcomingEntries(count: count).map { e -> BusValue in
                        let outcome: String
                        switch e.outcome {
                        case .fire: outcome = "fire"
                        case .skip(let reason): outcome = "skip:" + reason.rawValue
                        }
                        return .structure([.string(e.occurrence.text), .string(e.title), .string(e.body),
                                           ControlService.unix(e.due), .string(outcome)])
                    }
                    return .success([.array(elementSignature: "(sssxs)", entries)])
                }
            },
            BusMethod("Reply", inputs: [BusArgument("occurrence", "s"), BusArgument("action", "s"), BusArgument("note", "s")],
                      outputs: [BusArgument("occurrence", "s")]) { [unowned self] call in
                answer(call, on: connection) {
                    ControlService.strings(call, 3).flatMap { args in
                        self.resolve(args[0]).flatMap { occurrence in
                            daemon.reply(occurrence: occurrence, action: args[1], note: args[2].isEmpty ? nil : args[2])
                                .map { [.string(occurrence)] }.mapError(ControlFailure.init)
                        }
                    }
                }
            },
            BusMethod("Snooze", inputs: [BusArgument("occurrence", "s"), BusArgument("duration", "s")],
                      outputs: [BusArgument("until", "x")]) { [unowned self] call in
                answer(call, on: connection) {
                    ControlService.strings(call, 2).flatMap { args in
                        self.resolve(args[0]).flatMap { occurrence in
                            ControlService.duration(args[1]).flatMap { d in
                                daemon.snooze(occurrence: occurrence, for: d).map { [ControlService.unix($0)] }
                                    .mapError(ControlFailure.init)
                            }
                        }
                    }
                }
            },
            BusMethod("Pause", inputs: [BusArgument("duration", "s")], outputs: [BusArgument("until", "x")]) {
                [unowned self] call in
                answer(call, on: connection) {
                    ControlService.strings(call, 1).flatMap { args in
                        ControlService.duration(args[0]).flatMap { d in
                            daemon.pause(for: d).map { [ControlService.unix($0)] }.mapError(ControlFailure.init)
                        }
                    }
                }
            },
            BusMethod("Resume") { [unowned self] call in
                answer(call, on: connection) { daemon.resume().map { [] }.mapError(ControlFailure.init) }
            },
            BusMethod("Reload", outputs: [BusArgument("problem", "s")]) { [unowned self] call in
                answer(call, on: connection) { .success([.string(daemon.reloadNow() ?? "")]) }
            },
            BusMethod("FireNow", inputs: [BusArgument("checkin", "s")], outputs: [BusArgument("occurrence", "s")]) {
                [unowned self] call in
                answer(call, on: connection) {
                    ControlService.strings(call, 1).flatMap { args in
                        daemon.fireNow(checkin: args[0]).map { [.string($0.text)] }.mapError(ControlFailure.init)
                    }
                }
            },
        ])
    }
}
