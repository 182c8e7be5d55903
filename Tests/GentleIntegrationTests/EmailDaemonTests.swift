import Foundation
import Testing
import GentleTestSupport

/// `gentle run` with `[email]`: a check-in reaches a real SMTP server on loopback, and a send
/// interrupted by SIGTERM goes out after the restart.
@Suite struct EmailDaemonTests {
    static func config(port: Int, at moment: Date, timeout: String = "30s") -> String {
        """
        timezone = "UTC"
        max_per_day = 48
        min_spacing = "0m"

        [email]
        to = "parent@example.org"
        from = "gentle@example.org"
        transport = "smtp"
        url = "smtp://127.0.0.1:\(port)"
        starttls = false
        timeout = "\(timeout)"

        [[checkin]]
        id = "breathe"
        title = "Ein Atemzug 🌿"
        messages = ["Take one slow breath."]
        when = "\(DaemonProcess.utcClock(moment))"
        channels = ["email"]
        """
    }

    static func soon(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + seconds).rounded(.up))
    }

    @Test func aCheckinArrivesByEmailAndIsLoggedDelivered() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let daemon = try DaemonProcess(config: Self.config(port: server.port, at: Self.soon(2.5)), environment: ["TZ": "UTC"])
        defer { daemon.cleanUp() }
        let delivered = daemon.waitForEvent(timeout: 20) { $0["kind"] as? String == "delivered" }
        #expect(delivered?["channel"] as? String == "email", "stderr: \(daemon.stderr)")
        let message = try #require(try server.received().first)
        #expect(message.subject == "Ein Atemzug 🌿")
        #expect(message.defects.isEmpty)
        #expect(message.part("text/plain")?.content?.contains("gentle reply breathe@") == true)
        #expect(FileManager.default.fileExists(atPath: daemon.stateDirectory + "/outbox"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory + "/outbox")) ?? ["?"]).isEmpty)
    }

    @Test func sigtermDuringASendKeepsTheMessageForTheNextStart() async throws {
        // Swallows the first message without answering, accepts the next.
        let server = try await SMTPTestServer.start(.init(stallData: 1))
        defer { server.stop() }
        let config = Self.config(port: server.port, at: Self.soon(2.5))
        let first = try DaemonProcess(config: config, environment: ["TZ": "UTC"])
        defer { first.cleanUp(keepHome: true) }
        #expect(await eventually(within: 20) { server.stalledCount() == 1 }, "stderr: \(first.stderr)")
        first.signal(SIGTERM)
        #expect(first.waitForExit(timeout: 10) == 0)
        let outbox = first.stateDirectory + "/outbox"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).count == 1)
        #expect(first.events(kind: "delivered").isEmpty)

        let second = try DaemonProcess(config: config, environment: ["TZ": "UTC"], home: first.home)
        defer { second.cleanUp() }
        let delivered = second.waitForEvent(timeout: 20) { $0["kind"] as? String == "delivered" }
        #expect(delivered?["channel"] as? String == "email", "stderr: \(second.stderr)")
        #expect(try server.received().count == 1)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? ["?"]).isEmpty)
    }
}
