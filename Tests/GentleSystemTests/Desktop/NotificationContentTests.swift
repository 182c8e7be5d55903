import Foundation
import GentleCore
import GentleSystem
import Testing

@Suite struct NotificationContentTests {
    let buttons = NotificationCapabilities(["actions", "body"])

    @Test func expireTimeoutFollowsTheSettings() {
        let delivery = makeDelivery()
        func timeout(_ setting: GentleDuration?) -> Int32 {
            NotificationContent(delivery: delivery, capabilities: buttons, settings: DesktopSettings(expireTimeout: setting)).expireTimeout
        }
        #expect(timeout(nil) == -1)
        #expect(timeout(.zero) == 0)
        #expect(timeout(.minutes(10)) == 600_000)
        #expect(timeout(.days(100)) == Int32.max)
    }

    @Test func actionsCarryLabelsAndADefault() {
        let content = NotificationContent(delivery: makeDelivery(), capabilities: buttons, settings: DesktopSettings())
        #expect(content.actions.map(\.key) == ["done", "not-now", "snooze:30m", "default"])
        #expect(content.actions.map(\.label) == ["Did it", "Not now", "In 30 min", "Open"])
        #expect(content.notifyArguments.busSignature == "susssasa{sv}i")
        let kidDate = NotificationContent(delivery: makeDelivery(actions: [.tookIt, .notThisTime]), capabilities: buttons,
                                          settings: DesktopSettings())
        #expect(kidDate.actions.map(\.key) == ["took-it", "not-this-time", "default"])
    }

    @Test func urgencyAndCategoryBecomeHints() {
        var delivery = makeDelivery()
        delivery.urgency = .normal
        let content = NotificationContent(delivery: delivery, capabilities: buttons,
                                          settings: DesktopSettings(category: "x-gentle.kid-date", desktopEntry: "io.github.gentle"))
        let hints = Dictionary(uniqueKeysWithValues: content.hints)
        #expect(hints["urgency"] == .byte(1))
        #expect(hints["category"] == .string("x-gentle.kid-date"))
        #expect(hints["desktop-entry"] == .string("io.github.gentle"))
    }

    @Test func markupIsEscapedOnlyForServersThatParseIt() {
        let delivery = makeDelivery(body: "<b>not bold</b> & fine")
        let plain = NotificationContent(delivery: delivery, capabilities: buttons, settings: DesktopSettings())
        #expect(plain.body == "<b>not bold</b> & fine")
        let markup = NotificationContent(delivery: delivery, capabilities: NotificationCapabilities(["actions", "body-markup"]),
                                         settings: DesktopSettings())
        #expect(markup.body == "&lt;b&gt;not bold&lt;/b&gt; &amp; fine")
    }

    @Test func notesAreCleanedAndBounded() {
        #expect(NotificationContent.cleanNote("  \n\t ") == nil)
        #expect(NotificationContent.cleanNote("we\u{0}read\u{1B}[31m") == "we read [31m")
        #expect(NotificationContent.cleanNote(String(repeating: "x", count: 2000))?.count == NotificationContent.maximumNoteLength)
    }
}
