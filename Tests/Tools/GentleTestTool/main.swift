// gentle-test-tool: a child process for tests and benchmarks, not part of the product.
//
//   append-stress DIR COUNT [TAG [MAX-PADDING]]
//                                   append COUNT records through EventLogStore, printing each
//                                   sequence number on stdout only after append returned
//   generate PATH COUNT             write a realistic log of COUNT records (unsynced, fast)
//   generate-days PATH COUNT [END]  write COUNT records of everyday use, days of check-ins,
//                                   replies, notes and kid dates, ending on the day of END
//                                   (epoch seconds; default now), in Europe/Berlin time
//   read PATH [--jsondecoder]       decode the whole log, print counts and records/s
//   notify ACTION…                  ready | status=TEXT | reloading | stopping | watchdog |
//                                   watchdog-interval | watchdog-pid-self; prints each outcome
//   log DESTINATION                 bootstrap logging (auto | journald | syslog | plain), log a
//                                   few lines with metadata, print the destination chosen
//   email-send --state-dir DIR --url URL [--timeout S] [--stale-in S] [--checkin ID] [--no-deliver]
//                                   one EmailChannel sending one check-in (EmailSend.swift), to
//                                   be killed mid-send
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleCore
import GentleSystem
import Logging

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("gentle-test-tool: " + message + "\n").utf8))
    exit(2)
}

/// Unbuffered, so a line on stdout is out before the next append starts.
func say(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress.map { $0 + done }, bytes.count - done) }
        if n <= 0 { if errno == EINTR { continue }; exit(3) }
        done += n
    }
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: see the comment at the top of main.swift") }
let utc = TimeZone(identifier: "UTC") ?? .current

switch command {
case "append-stress":
    guard args.count >= 3, let count = Int(args[2]) else { fail("append-stress DIR COUNT [TAG [MAX-PADDING]]") }
    let tag = args.count > 3 ? args[3] : "stress"
    let maxPadding = args.count > 4 ? max(1, Int(args[4]) ?? 5000) : 5000
    let store: EventLogStore
    do {
        store = try EventLogStore(directory: args[1], timeZone: utc, logger: Logger(label: "stress"))
    } catch {
        fail("\(error)")
    }
    for seq in 1...max(1, count) {
        // Sizes from ~100 bytes to ~5 KB, so many records straddle a 4 KiB page boundary.
        let padding = String(repeating: "x", count: (seq * 733) % maxPadding)
        let record = EventRecord(kind: .fired, at: Date(), checkin: tag, message: seq, child: tag, occasion: padding)
        do {
            try store.append(record)
        } catch {
            fail("append \(seq): \(error)")
        }
        say("\(seq)")
    }

case "generate":
    guard args.count == 3, let count = Int(args[2]) else { fail("generate PATH COUNT") }
    guard let zone = TimeZone(identifier: "Europe/Berlin") else { fail("no Europe/Berlin zone") }
    guard let out = FileHandle(forWritingAtPath: args[1]) ?? {
        _ = FileManager.default.createFile(atPath: args[1], contents: nil)
        return FileHandle(forWritingAtPath: args[1])
    }() else { fail("cannot write \(args[1])") }
    let checkins = ["breathe", "connection", "let-it-slide", "mini-break", "snuggle", "fresh-start", "went-well"]
    let notes = ["that helped", "we read \"Gruffalo\" twice", "Pause am Fenster, dann Tee ☕️", "", "line one\nline two"]
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    var base = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
    for i in 0..<count {
        let checkin = checkins[i % checkins.count]
        let scheduled = base
        let occurrence = OccurrenceID(checkin: checkin, scheduled: scheduled, timeZone: zone)
        let at = scheduled.addingTimeInterval(Double(i % 5) + 0.123)
        let record: EventRecord
        switch i % 8 {
        case 0: record = EventRecord(kind: .fired, at: at, occurrence: occurrence, due: scheduled, channel: "desktop", message: i % 4)
        case 1: record = EventRecord(kind: .delivered, at: at, occurrence: occurrence, channel: "desktop")
        case 2: record = EventRecord(kind: .reply, at: at, occurrence: occurrence, channel: "desktop", action: "done",
                                     note: notes[i % notes.count])
        case 3: record = EventRecord(kind: .snoozed, at: at, occurrence: occurrence, channel: "desktop",
                                     action: "snooze:30m", until: scheduled.addingTimeInterval(1800))
        case 4: record = EventRecord(kind: .skipped, at: at, occurrence: occurrence, reason: "inside quiet hours 21:30..07:00")
        case 5: record = EventRecord(kind: .fired, at: at, occurrence: OccurrenceID(checkin: "kid-date", scheduled: scheduled, timeZone: zone),
                                     channel: "email", message: 1, child: "Mia", occasion: "first day of school")
        case 6: record = EventRecord(kind: .droppedStale, at: at, occurrence: occurrence, reason: "came 10h late after suspend")
        default: record = EventRecord(kind: .reply, at: at, occurrence: occurrence, channel: "cli", action: "not-now")
        }
        buffer.append(contentsOf: EventLogCodec.encodeLine(record, timeZone: zone))
        if buffer.count > 1 << 20 {
            out.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
        base = base.addingTimeInterval(1800)
    }
    out.write(Data(buffer))
    try? out.close()

case "generate-days":
    guard args.count == 3 || args.count == 4, let count = Int(args[2]), count >= 0 else {
        fail("generate-days PATH COUNT [END-EPOCH]")
    }
    guard let zone = TimeZone(identifier: "Europe/Berlin") else { fail("no Europe/Berlin zone") }
    let end = args.count == 4 ? Date(timeIntervalSince1970: Double(args[3]) ?? -1) : Date()
    // Same seed twice: once to learn how many days COUNT records take, once to write them.
    let days = RealisticLog.generate(count: count, firstDay: 0, zone: zone) { _ in }
    let firstDay = ZoneClock(zone: zone).localDay(end) - days + 1
    guard FileManager.default.createFile(atPath: args[1], contents: nil),
          let out = FileHandle(forWritingAtPath: args[1]) else { fail("cannot write \(args[1])") }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    RealisticLog.generate(count: count, firstDay: firstDay, zone: zone) { record in
        buffer.append(contentsOf: EventLogCodec.encodeLine(record, timeZone: zone))
        if buffer.count > 1 << 20 {
            out.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }
    out.write(Data(buffer))
    try? out.close()

case "read":
    guard args.count >= 2 else { fail("read PATH [--jsondecoder]") }
    let start = DispatchTime.now().uptimeNanoseconds
    var records = 0
    var problems = 0
    var replies = 0
    if args.count > 2 && args[2] == "--jsondecoder" {
        // For comparison only: Foundation's JSONDecoder on the same lines.
        struct Line: Decodable { var v: Int; var kind: String; var at: String; var occurrence: String?; var note: String? }
        guard let data = FileManager.default.contents(atPath: args[1]) else { fail("cannot read \(args[1])") }
        let decoder = JSONDecoder()
        for line in data.split(separator: 0x0A) {
            if let decoded = try? decoder.decode(Line.self, from: line) {
                records += 1
                if decoded.kind == "reply" { replies += 1 }
            } else {
                problems += 1
            }
        }
    } else {
        do {
            try EventLogStore.read(path: args[1]) { entry in
                switch entry {
                case .record(let record, _):
                    records += 1
                    if record.kind == .reply { replies += 1 }
                case .problem: problems += 1
                }
            }
        } catch {
            fail("\(error)")
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    say("records \(records), problems \(problems), replies \(replies)")
    say(String(format: "decoded %d records in %.3f s: %.0f records/s", records, seconds, Double(records) / seconds))

case "notify":
    let notifier = SystemdNotifier()
    for action in args.dropFirst() {
        let outcome: SystemdNotifier.Outcome?
        switch action {
        case "ready": outcome = notifier.ready()
        case "reloading": outcome = notifier.reloading()
        case "stopping": outcome = notifier.stopping()
        case "watchdog": outcome = notifier.watchdog()
        case "watchdog-pid-self":
            setenv("WATCHDOG_PID", String(getpid()), 1)
            outcome = nil
        case "watchdog-interval":
            let interval = SystemdNotifier.watchdogTimeout()
            say("watchdog-interval " + (interval.map { "\($0.components.seconds * 1_000_000 + $0.components.attoseconds / 1_000_000_000_000)" } ?? "none")
                + " port " + (notifier.watchdogInterval.map { "\($0)" } ?? "none"))
            outcome = nil
        case _ where action.hasPrefix("status="):
            outcome = notifier.status(String(action.dropFirst("status=".count)))
        default:
            fail("unknown notify action \(action)")
        }
        if let outcome { say("\(action.split(separator: "=").first ?? "") \(outcome)") }
    }

case "log":
    guard args.count == 2 else { fail("log auto|journald|syslog|plain") }
    let destination: GentleLogging.Destination?
    switch args[1] {
    case "auto": destination = nil
    case "journald": destination = .journald
    case "syslog": destination = .stderrWithPriorities
    case "plain": destination = .stderrPlain
    default: fail("unknown destination \(args[1])")
    }
    let chosen = GentleLogging.bootstrap(level: .debug, destination: destination)
    var logger = Logger(label: "gentle.test")
    logger[metadataKey: "component"] = "probe"
    logger.info("Next check-in chosen", metadata: ["checkin.id": "breathe", "occurrence": "breathe@2026-11-27T14:30:00+01:00"])
    logger.warning("Two lines\nin one message")
    logger.debug("details", metadata: ["note": "has spaces and \"quotes\""])
    say("destination \(chosen)")

case "email-send":
    EmailSendProbe(Array(args.dropFirst())).run()

default:
    fail("unknown command \(command)")
}
