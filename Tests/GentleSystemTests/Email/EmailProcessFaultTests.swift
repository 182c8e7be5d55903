import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

/// A real sender process (`gentle-test-tool email-send`) killed mid-send: the outbox keeps the message and the
/// next start sends it, once.
@Suite struct EmailProcessFaultTests {
    /// Runs the probe with its stdout collected line by line.
    final class ProbeRun: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var output = Data()

        init(stateDirectory: String, port: Int, timeout: Int = 30) throws {
            process.executableURL = URL(fileURLWithPath: PackagePaths.testTool)
            process.arguments = ["email-send", "--state-dir", stateDirectory, "--url", "smtp://127.0.0.1:\(port)", "--timeout", String(timeout)]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            out.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let chunk = handle.availableData
                guard let self, !chunk.isEmpty else { return }
                self.lock.lock()
                self.output += chunk
                self.lock.unlock()
            }
            try process.run()
        }

        var lines: [String] {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        }

        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    @Test func killedMidSendTheMessageIsResentOnceAfterRestart() async throws {
        let bed = try EmailTestBed()
        // Swallows the first message without answering, accepts the next.
        let server = try await SMTPTestServer.start(.init(stallData: 1))
        defer { server.stop() }
        let probe = try ProbeRun(stateDirectory: bed.stateDirectory, port: server.port)
        defer { probe.stop() }
        #expect(await eventually(within: 15) { server.stalledCount() == 1 }, "probe said: \(probe.lines)")
        #expect(probe.lines.contains { $0.hasPrefix("QUEUED ") })
        kill(probe.process.processIdentifier, SIGKILL)
        probe.process.waitUntilExit()
        #expect(probe.process.terminationReason == .uncaughtSignal)

        let files = bed.outboxFiles()
        #expect(files.count == 1 && files.allSatisfy { $0.hasSuffix(".json") })
        let stored = try String(contentsOfFile: bed.outboxDirectory + "/" + (files.first ?? "-"), encoding: .utf8)

        let channel = try bed.channel(bed.smtpSettings(server))
        defer { channel.shutdown() }
        #expect(channel.pendingOccurrences.count == 1)
        #expect(await bed.events.first(within: 15) { $0.isDelivered } != nil, "events: \(bed.events.all)")
        let received = try server.received()
        #expect(received.count == 1)
        let messageID = try #require(received.first?.header("Message-ID"))
        #expect(stored.contains("\"messageID\" : \"\(messageID)\""))
        #expect(received.first?.defects == [])
        #expect(bed.outboxFiles().isEmpty)
    }

    @Test func sigtermMidSendLeavesTheMessageInTheOutbox() async throws {
        let bed = try EmailTestBed()
        let server = try await SMTPTestServer.start(.init(stallData: 1))
        defer { server.stop() }
        let probe = try ProbeRun(stateDirectory: bed.stateDirectory, port: server.port)
        defer { probe.stop() }
        #expect(await eventually(within: 15) { server.stalledCount() == 1 }, "probe said: \(probe.lines)")
        // Timed on a Dispatch thread of its own: the test's task may wait long for a turn on a
        // loaded machine, which must not count as the sender being slow.
        let exited = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var exitedAt = Date.distantFuture
        let process = probe.process
        DispatchQueue(label: "gentle.test.exit-watch").async {
            process.waitUntilExit()
            exitedAt = Date()
            exited.signal()
        }
        let signalled = Date()
        kill(probe.process.processIdentifier, SIGTERM)
        #expect(await eventually(within: 5) { !probe.process.isRunning })
        _ = exited.wait(timeout: .now() + 5)
        let took = exitedAt.timeIntervalSince(signalled)
        #expect(took < 2, "exit took \(took) s")
        #expect(probe.process.terminationStatus == 0)
        #expect(probe.lines.contains("SHUTDOWN"))
        #expect(!probe.lines.contains { $0.hasPrefix("EVENT delivered") || $0.hasPrefix("EVENT failed") })
        #expect(bed.outboxFiles().count == 1)
        #expect(try server.received().isEmpty)
    }
}
