import Foundation
import GentleTestSupport
import Testing

/// The notification server (dunst) is killed while `gentle run` has a check-in with buttons on
/// screen. The daemon keeps running; the lost notification is recorded as held, a check-in that
/// comes due meanwhile is held too, and once dunst is back both are shown — each fired once,
/// delivered again — and a button pressed on the reshown one is recorded as the reply.
@Suite struct NotificationServerFaultTests {
    @Test(.timeLimit(.minutes(3)))
    func dunstKilledMidNotificationThenBack() async throws {
        try await DesktopSession.with { session in
            let actions = ["done", "not-now", "snooze:30m"]
            let breatheAt = FaultConfig.soon(4)
            let stretchAt = breatheAt.addingTimeInterval(12)
            let config = FaultConfig.text([
                FaultConfig.Checkin(id: "breathe", title: "Breathe", at: breatheAt, channels: ["desktop"], actions: actions),
                FaultConfig.Checkin(id: "stretch", title: "Stretch", at: stretchAt, channels: ["desktop"], actions: actions),
            ])
            let daemon = try DaemonProcess(config: config, environment: [
                "TZ": "UTC", "DBUS_SESSION_BUS_ADDRESS": session.busAddress, "DISPLAY": session.display,
            ])
            defer { daemon.cleanUp() }
            #expect(try await offload { daemon.notify.waitFor("READY=1", timeout: 20) } != nil, "stderr: \(daemon.stderr)")

            // Breathe is on screen with its buttons.
            try await session.waitForDisplayed(1, timeout: 30)
            #expect(await poll(within: 10) { daemon.checkins(kind: "delivered") == ["breathe"] }, "stderr: \(daemon.stderr)")
            let shown = try await session.menuEntries()
            #expect(Set(shown.map(\.key)) == Set(actions + ["default"]))

            // dunst dies with it on screen: it is held again, and the daemon carries on.
            try await session.killDunst()
            #expect(await poll(within: 10) { daemon.checkins(kind: "held") == ["breathe"] }, "stderr: \(daemon.stderr)")
            let lost = daemon.events(kind: "held").first
            #expect(lost?["reason"] as? String == "the notification server went away")
            #expect(daemon.isRunning)

            // Stretch comes due while there is no server: fired once, held.
            #expect(stretchAt.timeIntervalSinceNow > 0, "dunst was killed before Stretch was due")
            #expect(await poll(within: max(10, stretchAt.timeIntervalSinceNow + 10)) {
                daemon.checkins(kind: "held").contains("stretch")
            }, "stderr: \(daemon.stderr)")
            let heldStretch = daemon.events(kind: "held").first { $0["checkin"] as? String == "stretch" }
            #expect((heldStretch?["reason"] as? String)?.contains("no notification server") == true)
            #expect(try await session.serverIsPresent() == false)

            // dunst is back: both are shown, and the reshown Breathe can still be answered.
            try await session.startDunst()
            try await session.waitForDisplayed(2, timeout: 30)
            #expect(await poll(within: 10) { daemon.checkins(kind: "delivered").count == 3 })
            #expect(daemon.checkins(kind: "delivered").sorted() == ["breathe", "breathe", "stretch"])
            let entries = try await session.menuEntries()
            let breatheID = try #require(entries.first { $0.text.contains("(Breathe)") }?.id, "menu: \(entries)")
            try await session.invokeAction(id: breatheID, key: "done")
            #expect(await poll(within: 10) { !daemon.events(kind: "reply").isEmpty })
            let reply = daemon.events(kind: "reply").first
            #expect(reply?["action"] as? String == "done")
            #expect(reply?["channel"] as? String == "desktop")
            #expect((reply?["occurrence"] as? String)?.hasPrefix("breathe@") == true)
            try await session.waitForDisplayed(1)

            // The log tells it as it happened; nothing fired twice.
            #expect(daemon.checkins(kind: "fired") == ["breathe", "stretch"])
            let breatheKinds = daemon.events.filter { $0["checkin"] as? String == "breathe" || ($0["occurrence"] as? String)?.hasPrefix("breathe@") == true }
                .compactMap { $0["kind"] as? String }
            #expect(breatheKinds == ["fired", "delivered", "held", "delivered", "reply"], "\(breatheKinds)")
            #expect(daemon.eventLogIsWhole)
            #expect(daemon.isRunning)
        }
    }
}
