import Foundation
import GentleCore
import GentleSystem
import GentleTestSupport
import Testing

/// DesktopNotifier against a real dunst under Xvfb on a private dbus-daemon. Each test has its
/// own bus, display and dunst, so they could run in parallel; they run one at a time only to
/// keep three programs per test from crowding a small machine.
@Suite(.serialized) struct DesktopNotifierDunstTests {
    @Test func aDeliveryAppearsWithItsButtons() async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let delivery = makeDelivery(ask: "What helped you breathe today?")
            harness.notifier.deliver(delivery)
            let id = try await harness.delivered(delivery.occurrence)
            try await session.waitForDisplayed(1)
            #expect(harness.notifier.isAvailable)

            let menu = try await session.menuEntries()
            let mine = menu.filter { $0.id == id }
            #expect(Set(mine.map(\.key)) == ["done", "not-now", "snooze:30m", "default"])
            #expect(mine.first { $0.key == "done" }?.text.hasPrefix("Did it") == true)
            #expect(mine.first { $0.key == "not-now" }?.text.hasPrefix("Not now") == true)
            #expect(mine.first { $0.key == "snooze:30m" }?.text.hasPrefix("In 30 min") == true)
            #expect(mine.allSatisfy { $0.text.hasSuffix("(Take a breath)") })

            // The picture for the docs: the notification as dunst draws it.
            let shot = PackagePaths.root + "/.build/screenshots/notification.png"
            try await session.screenshot(to: shot)
            let size = (try FileManager.default.attributesOfItem(atPath: shot)[.size] as? NSNumber)?.intValue ?? 0
            #expect(size > 1000)

            // Closing it puts it in dunst's history, where the fields can be read back.
            try await session.dismiss()
            try await harness.events.first("dismissed") { $0 == .dismissed(delivery.occurrence, .desktop) }
            let entry = try await session.history().first { $0["id"] == "\(id)" }
            #expect(entry?["appname"] == "gentle")
            #expect(entry?["summary"] == "Take a breath")
            #expect(entry?["category"] == "x-gentle.checkin")
            let body = entry?["body"] ?? ""
            #expect(body.contains("Breathe in slowly"))
            #expect(body.contains("What helped you breathe today?"))
            #expect(!body.contains("gentle reply"), "dunst shows buttons, so no terminal hint")
        }
    }

    @Test(arguments: ["done", "not-now", "snooze:30m"])
    func pressingAButtonRecordsThatReplyAndClosesTheNotification(key: String) async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            let id = try await harness.delivered(delivery.occurrence)
            try await session.waitForDisplayed(1)

            try await session.invokeAction(id: id, key: key)
            try await harness.events.first("reply \(key)") { $0 == .reply(delivery.occurrence, .desktop, action: key, note: nil) }
            // dunst keeps it up after a context-menu action; the notifier closes it.
            try await session.waitForDisplayed(0)
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(harness.answers(for: delivery.occurrence).count == 1, "\(harness.events.all)")
        }
    }

    @Test(arguments: [false, true])
    func clickingTheNotificationRecordsThatItWasOpened(kidDate: Bool) async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let delivery = kidDate
                ? makeDelivery("kid-date", title: "A kid date?", body: "Some 1:1 time with Mia before the dentist?",
                               actions: [.tookIt, .notThisTime, .closerToTheDay])
                : makeDelivery()
            harness.notifier.deliver(delivery)
            try await harness.delivered(delivery.occurrence)
            try await session.waitForDisplayed(1)

            try await session.invokeDefault()
            try await harness.events.first("reply opened") { $0 == .reply(delivery.occurrence, .desktop, action: "opened", note: nil) }
            try await session.waitForDisplayed(0)
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(harness.answers(for: delivery.occurrence).count == 1, "\(harness.events.all)")
        }
    }

    @Test func dismissingIsReportedAsDismissed() async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            try await harness.delivered(delivery.occurrence)
            try await session.waitForDisplayed(1)
            try await session.dismiss()
            try await harness.events.first("dismissed") { $0 == .dismissed(delivery.occurrence, .desktop) }
            #expect(harness.answers(for: delivery.occurrence).count == 1)
        }
    }

    @Test func anUnansweredNotificationExpires() async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session, settings: DesktopSettings(expireTimeout: GentleDuration(seconds: 1)))
            defer { harness.stop() }
            let delivery = makeDelivery()
            let sent = Date()
            harness.notifier.deliver(delivery)
            try await harness.delivered(delivery.occurrence)
            try await harness.events.first("expired", timeout: 30) { $0 == .expired(delivery.occurrence, .desktop) }
            #expect(Date().timeIntervalSince(sent) >= 0.9)
            try await session.waitForDisplayed(0)
        }
    }

    @Test func aForgedActionInvokedFromAnotherConnectionIsIgnored() async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            let id = try await harness.delivered(delivery.occurrence)
            try await session.waitForDisplayed(1)
            let ourName = try await harness.uniqueName()

            // Right id, offered key, right path and interface — but sent by dbus-send, not dunst,
            // straight to our connection (so the bus's match rules do not filter it out).
            try await session.sendSignal(destination: ourName, path: "/org/freedesktop/Notifications",
                                   interface: "org.freedesktop.Notifications", member: "ActionInvoked",
                                   arguments: ["uint32:\(id)", "string:not-now"])
            try await harness.logs.entries.first("the forged signal to be refused") {
                $0.message == "ignored a notification signal" && $0.metadata["bus.member"] == "ActionInvoked"
                    && ($0.metadata["reason"] ?? "").contains("did not come from the notification server")
            }
            #expect(harness.answers(for: delivery.occurrence).isEmpty)
            #expect(try await session.displayedCount() == 1)

            // The real button still works, and is the only answer recorded.
            try await session.invokeAction(id: id, key: "done")
            try await harness.events.first("reply done") { $0 == .reply(delivery.occurrence, .desktop, action: "done", note: nil) }
            #expect(harness.answers(for: delivery.occurrence) == [.reply(delivery.occurrence, .desktop, action: "done", note: nil)])
        }
    }

    @Test func withdrawClosesTheNotificationWithoutAnAnswer() async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            try await harness.delivered(delivery.occurrence)
            try await session.waitForDisplayed(1)
            harness.notifier.withdraw(delivery.occurrence)
            try await session.waitForDisplayed(0)
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(harness.answers(for: delivery.occurrence).isEmpty)
        }
    }

    @Test func whileDunstIsDownDeliveriesAreHeldThenShown() async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let first = makeDelivery()
            harness.notifier.deliver(first)
            try await harness.delivered(first.occurrence)
            try await session.waitForDisplayed(1)

            try await session.killDunst()
            try await harness.events.first("unavailable") { $0 == .availabilityChanged(.desktop, available: false) }
            #expect(!harness.notifier.isAvailable)
            // The one on screen died with dunst, unanswered: held again.
            try await harness.events.first("first held again") {
                if case .held(first.occurrence, .desktop, _) = $0 { return true }
                return false
            }

            let second = makeDelivery(title: "A mini-break")
            harness.notifier.deliver(second)
            let held = try await harness.events.first("second held") {
                if case .held(second.occurrence, .desktop, _) = $0 { return true }
                return false
            }
            if case .held(_, _, let reason) = held { #expect(reason.contains("no notification server")) }
            #expect(!harness.events.all.contains { if case .delivered(second.occurrence, _, _) = $0 { return true }; return false })

            try await session.startDunst()
            try await harness.events.first("available") { $0 == .availabilityChanged(.desktop, available: true) }
            try await harness.delivered(second.occurrence)
            let firstEvents = harness.events.all.filter { if case .delivered(first.occurrence, _, _) = $0 { return true }; return false }
            try await waitUntilAsync("first shown again") {
                harness.events.all.filter { if case .delivered(first.occurrence, _, _) = $0 { return true }; return false }.count == 2
            }
            #expect(firstEvents.count >= 1)
            try await session.waitForDisplayed(2)
        }
    }

    @Test func startedBeforeAnyServerItDeliversOnceOneAppears() async throws {
        try await DesktopSession.with(DesktopSession.Options(startDunst: false)) { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            _ = try await harness.uniqueName()
            #expect(!harness.notifier.isAvailable)
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            try await harness.events.first("held") {
                if case .held(delivery.occurrence, .desktop, _) = $0 { return true }
                return false
            }
            try await session.startDunst()
            try await harness.delivered(delivery.occurrence)
            #expect(harness.events.all.contains(.availabilityChanged(.desktop, available: true)))
            #expect(harness.notifier.isAvailable)
            try await session.waitForDisplayed(1)
        }
    }

    @Test func aHeldDeliveryThatGoesStaleIsDropped() async throws {
        try await DesktopSession.with(DesktopSession.Options(startDunst: false)) { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let delivery = makeDelivery(staleIn: 1.5)
            harness.notifier.deliver(delivery)
            try await harness.events.first("held") {
                if case .held(delivery.occurrence, .desktop, _) = $0 { return true }
                return false
            }
            try await harness.events.first("dropped stale", timeout: 30) {
                if case .droppedStale(delivery.occurrence, .desktop, _) = $0 { return true }
                return false
            }
            // A server appearing afterwards must not show it.
            try await session.startDunst()
            try await Task.sleep(nanoseconds: 500_000_000)
            #expect(try await session.displayedCount() == 0)
        }
    }

    @Test func anActivatableServerIsStartedOnDemand() async throws {
        try await DesktopSession.with(DesktopSession.Options(activatableDunst: true)) { session in
            #expect(try await session.serverIsPresent() == false)
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            try await waitUntilAsync("availability through activation") { harness.notifier.isAvailable }
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            try await harness.delivered(delivery.occurrence)
            #expect(try await session.serverIsPresent())
            try await session.waitForDisplayed(1)
        }
    }

    @Test func survivesTheBusGoingAwayAndCarriesOnWhenItReturns() async throws {
        try await DesktopSession.with { session in
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let before = makeDelivery()
            harness.notifier.deliver(before)
            try await harness.delivered(before.occurrence)

            try await session.killDunst()
            try await session.stopBus()
            try await harness.events.first("unavailable") { $0 == .availabilityChanged(.desktop, available: false) }
            let during = makeDelivery(title: "Stretch")
            harness.notifier.deliver(during)
            try await harness.events.first("held while the bus is down") {
                if case .held(during.occurrence, .desktop, _) = $0 { return true }
                return false
            }

            try await session.startBus()
            try await session.startDunst()
            try await harness.delivered(during.occurrence, timeout: 30)
            try await session.waitForDisplayed(2)
        }
    }
}
