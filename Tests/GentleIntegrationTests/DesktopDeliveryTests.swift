import Foundation
import GentleTestSupport
import Testing

/// `gentle run` against a real dunst on a private bus and display: a check-in fires, shows up
/// with its buttons, and the button pressed lands in the event log.
@Suite struct DesktopDeliveryTests {
    @Test(.timeLimit(.minutes(3)))
    func aFiredCheckinAppearsInDunstAndItsReplyIsLogged() async throws {
        try await DesktopSession.with { session in
            // The calendar takes minutes: fire at the next one (or the one after, if it is close).
            var fire = Date().addingTimeInterval(60)
            if Int(fire.timeIntervalSince1970) % 60 > 55 { fire.addTimeInterval(60) }
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "HH:mm"
            let config = session.directory + "/config.toml"
            try """
                timezone = "UTC"
                min_spacing = "0m"

                [[checkin]]
                id = "breathe"
                title = "Breathe"
                messages = ["Pause for one slow breath."]
                when = "\(formatter.string(from: fire))"
                channels = ["desktop"]
                actions = ["done", "not-now", "snooze:30m"]
                """.write(toFile: config, atomically: true, encoding: .utf8)

            let state = session.directory + "/state"
            let gentle = try SessionProcess(PackagePaths.gentleBinary, ["run", "--config", config, "--state-dir", state],
                                            environment: session.environment, logPath: session.directory + "/gentle.log")
            defer { gentle.stop() }

            try await session.waitForDisplayed(1, timeout: 120)
            let entries = try await session.menuEntries()
            #expect(Set(entries.map(\.key)) == ["done", "not-now", "snooze:30m", "default"])
            let id = try #require(entries.first?.id)
            try await session.invokeAction(id: id, key: "snooze:30m")

            let log = state + "/events.jsonl"
            var records: [[String: Any]] = []
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                records = text.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                if records.contains(where: { $0["kind"] as? String == "reply" }) { break }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            let kinds = records.compactMap { $0["kind"] as? String }
            #expect(kinds.starts(with: ["fired", "delivered"]), "\(kinds)")
            let delivered = records.first { $0["kind"] as? String == "delivered" }
            #expect(delivered?["channel"] as? String == "desktop")
            let reply = records.first { $0["kind"] as? String == "reply" }
            #expect(reply?["action"] as? String == "snooze:30m")
            #expect(reply?["channel"] as? String == "desktop")
            #expect((reply?["occurrence"] as? String)?.hasPrefix("breathe@") == true)
            try await session.waitForDisplayed(0)
        }
    }
}
