import Foundation
import GentleCore
import GentleSystem
import GentleTestSupport
import Testing

/// Server behaviours dunst does not have, against a small fake server on a real private bus.
@Suite struct DesktopNotifierCapabilityTests {
    @Test func aServerWithoutButtonsGetsTheReplyCommandInTheBody() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let server = try await FakeNotificationServer.start(address: session.busAddress, capabilities: ["body"])
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            try await harness.delivered(delivery.occurrence)
            let shown = try await server.notifications.first("Notify") { _ in true }

            #expect(shown.arguments[0] == .string("gentle"))
            #expect(shown.arguments[1] == .uint32(0))
            #expect(shown.summary == "Take a breath")
            #expect(shown.actionKeys.isEmpty)
            #expect(shown.body.hasPrefix("Breathe in slowly"))
            #expect(shown.body.contains("gentle reply \(delivery.occurrence.text) done (or not-now, snooze:30m)"))
            #expect(shown.hint("urgency") == .byte(0))
            #expect(shown.hint("category") == .string("x-gentle.checkin"))
            #expect(shown.hint("desktop-entry") == .string("gentle"))
            #expect(shown.hint("x-gentle-occurrence") == .string(delivery.occurrence.text))
            #expect(shown.expireTimeout == 600_000)
            try await server.stop()
        }
    }

    @Test func capabilitiesAreAskedOncePerServer() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let server = try await FakeNotificationServer.start(address: session.busAddress, capabilities: ["actions", "body"])
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            for _ in 0..<3 {
                let delivery = makeDelivery()
                harness.notifier.deliver(delivery)
                try await harness.delivered(delivery.occurrence)
            }
            #expect(server.notifications.count == 3)
            #expect(server.capabilityCalls.count == 1)
            try await server.stop()
        }
    }

    @Test func inlineReplyIsOfferedForAskingCheckinsAndItsNoteRecorded() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let server = try await FakeNotificationServer.start(
                address: session.busAddress, capabilities: ["actions", "body", "body-markup", "inline-reply"])
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let client = try await harness.uniqueName()
            let delivery = makeDelivery("went-well", title: "One thing that went well",
                                        body: "Snuggles <3 & a story", ask: "What went well today?")
            harness.notifier.deliver(delivery)
            let id = try await harness.delivered(delivery.occurrence)
            let shown = try await server.notifications.first("Notify") { _ in true }
            #expect(shown.body == "Snuggles &lt;3 &amp; a story\n\n<i>What went well today?</i>")
            #expect(shown.actionKeys == ["done", "not-now", "snooze:30m", "inline-reply", "default"])
            #expect(shown.hint("x-kde-reply-placeholder-text") == .string("What went well today?"))

            try await server.emit("NotificationReplied", [.uint32(id), .string("  we read\na book together\u{7}  ")], to: client)
            try await harness.events.first("reply with note") {
                $0 == .reply(delivery.occurrence, .desktop, action: "done", note: "we read a book together")
            }
            try await server.closed.first("closed after the reply") { $0 == id }

            // A check-in without `ask` gets no reply field.
            let plain = makeDelivery()
            harness.notifier.deliver(plain)
            try await harness.delivered(plain.occurrence)
            let second = try await server.notifications.first("second Notify") { $0.id != id }
            #expect(!second.actionKeys.contains("inline-reply"))
            try await server.stop()
        }
    }

    @Test func signalsThatDoNotFitAreIgnored() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let server = try await FakeNotificationServer.start(address: session.busAddress, capabilities: ["actions", "body"])
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let client = try await harness.uniqueName()
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            let id = try await harness.delivered(delivery.occurrence)

            // From the real owner, but: a key we never offered, the wrong signature, an id we
            // never issued, an inline reply nobody was offered.
            try await server.emit("ActionInvoked", [.uint32(id), .string("delete-everything")], to: client)
            try await server.emit("ActionInvoked", [.string("\(id)"), .string("done")], to: client)
            try await server.emit("ActionInvoked", [.uint32(id + 100), .string("done")], to: client)
            try await server.emit("NotificationReplied", [.uint32(id), .string("hello")], to: client)
            try await harness.logs.entries.wait(for: "three refusals") { entries in
                entries.filter { $0.message == "ignored a notification signal" }.count == 3
            }
            let reasons = harness.logs.entries.all.filter { $0.message == "ignored a notification signal" }.compactMap { $0.metadata["reason"] }
            #expect(reasons.contains { $0.contains("'delete-everything' was not offered") })
            #expect(reasons.contains { $0.contains("signature 'ss'") })
            #expect(reasons.contains { $0.contains("no reply field") })
            #expect(harness.answers(for: delivery.occurrence).isEmpty)

            // Then a genuine expiry, and nothing after it counts any more.
            try await server.emit("NotificationClosed", [.uint32(id), .uint32(1)], to: client)
            try await harness.events.first("expired") { $0 == .expired(delivery.occurrence, .desktop) }
            try await server.emit("ActionInvoked", [.uint32(id), .string("done")], to: client)
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(harness.answers(for: delivery.occurrence) == [.expired(delivery.occurrence, .desktop)])
            try await server.stop()
        }
    }

    @Test func closedByAnotherProgramIsNotAnAnswer() async throws {
        try await DesktopSession.with(.busOnly) { session in
            let server = try await FakeNotificationServer.start(address: session.busAddress, capabilities: ["actions", "body"])
            let harness = NotifierHarness(session)
            defer { harness.stop() }
            let client = try await harness.uniqueName()
            let delivery = makeDelivery()
            harness.notifier.deliver(delivery)
            let id = try await harness.delivered(delivery.occurrence)
            try await server.emit("NotificationClosed", [.uint32(id), .uint32(3)], to: client)
            try await server.emit("ActionInvoked", [.uint32(id), .string("done")], to: client)
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(harness.answers(for: delivery.occurrence).isEmpty)
            try await server.stop()
        }
    }
}
