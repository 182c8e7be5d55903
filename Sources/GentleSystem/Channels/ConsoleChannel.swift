import CLinux
import Dispatch
import Foundation
import GentleCore
import Logging

/// The channel that works anywhere: prints the check-in to stdout (a terminal, or the journal
/// under systemd). In a terminal it also takes the answer: one key (`d` did it, `n` not now,
/// `s` later) or a typed note and Enter.
public final class ConsoleChannel: DeliveryChannel, @unchecked Sendable {
    public let channel = Channel.console
    public var isAvailable: Bool { true }

    private let queue = DispatchQueue(label: "gentle.console")
    private let sink: ChannelEventSink
    private let output: Int32
    private let interactive: Bool
    private let clock: ZoneClock
    private var keys: TerminalKeyReader?
    private var waiting: Delivery?
    private var note = ""

    public init(sink: @escaping ChannelEventSink, zone: TimeZone, output: Int32 = STDOUT_FILENO,
                input: Int32 = STDIN_FILENO, interactive: Bool? = nil) {
        self.sink = sink
        self.output = output
        self.clock = ZoneClock(zone: zone)
        self.interactive = interactive ?? (isatty(input) == 1 && isatty(output) == 1)
        if self.interactive {
            keys = TerminalKeyReader(fd: input, queue: queue) { [weak self] byte in self?.key(byte) }
        }
    }

    public func deliver(_ delivery: Delivery) {
        queue.async { [self] in
            let time = TimeOfDay(minuteOfDay: clock.minuteOfDay(delivery.due)).description
            if interactive {
                if let previous = waiting { write("  (\(previous.title) can still be answered with gentle reply)\n") }
                var text = "\n── \(time) · \(delivery.title) ──\n\(delivery.body)\n"
                if let ask = delivery.ask { text += "\(ask)\n" }
                text += "  " + hints(for: delivery) + " · or type a note and press Enter\n> "
                write(text)
                waiting = delivery
                note = ""
                keys?.start()
            } else {
                var line = "\(time) \(delivery.title): \(delivery.body)"
                if let ask = delivery.ask { line += " \(ask)" }
                let first = delivery.actions.first?.key ?? "done"
                line += " — reply with: gentle reply \(delivery.occurrence) \(first)"
                write(line.replacingOccurrences(of: "\n", with: " ") + "\n")
            }
            sink(.delivered(delivery.occurrence, .console, detail: interactive ? "terminal" : "stdout"))
        }
    }

    public func withdraw(_ occurrence: OccurrenceID) {
        queue.async { [self] in
            guard waiting?.occurrence == occurrence else { return }
            write("\n  (answered elsewhere)\n")
            finishPrompt()
        }
    }

    public func shutdown() {
        queue.sync { keys?.stop() }
    }

    private func hints(for d: Delivery) -> String {
        [("d", acknowledging(d)), ("n", declining(d)), ("s", later(d))]
            .compactMap { key, action in action.map { "[\(key)] \($0.label)" } }
            .joined(separator: "  ")
    }

    private func acknowledging(_ d: Delivery) -> CheckinAction? { d.actions.first { $0 == .done || $0 == .tookIt } }
    private func declining(_ d: Delivery) -> CheckinAction? { d.actions.first { $0 == .notNow || $0 == .notThisTime } }
    private func later(_ d: Delivery) -> CheckinAction? {
        d.actions.first { if case .snooze = $0 { return true }; return $0 == .closerToTheDay }
    }

    private func key(_ byte: UInt8) {
        guard let delivery = waiting else { return }
        switch byte {
        case 0x0A, 0x0D:
            let text = note.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return }
            answer(delivery, acknowledging(delivery) ?? delivery.actions.first, note: text)
        case 0x7F, 0x08:
            if !note.isEmpty {
                note.removeLast()
                write("\u{8} \u{8}")
            }
        case 0x03, 0x04:  // Ctrl-C / Ctrl-D while raw: leave the prompt unanswered
            write("\n")
            finishPrompt()
        default:
            if note.isEmpty, let action = quickAction(byte, delivery) {
                answer(delivery, action, note: nil)
            } else if byte >= 0x20 {
                note.unicodeScalars.append(Unicode.Scalar(byte))
                write(String(decoding: [byte], as: UTF8.self))
            }
        }
    }

    private func quickAction(_ byte: UInt8, _ d: Delivery) -> CheckinAction? {
        switch byte {
        case UInt8(ascii: "d"): return acknowledging(d)
        case UInt8(ascii: "n"): return declining(d)
        case UInt8(ascii: "s"): return later(d)
        default: return nil
        }
    }

    private func answer(_ delivery: Delivery, _ action: CheckinAction?, note: String?) {
        guard let action else { return }
        write("\n  ✓ \(action.label)\(note == nil ? "" : " — noted")\n")
        finishPrompt()
        sink(.reply(delivery.occurrence, .console, action: action.key, note: note))
    }

    private func finishPrompt() {
        waiting = nil
        note = ""
        keys?.stop()
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return Glibc.write(output, base + offset, raw.count - offset)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }
}
