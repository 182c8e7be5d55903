import Foundation
import GentleCore
import GentleSystem
import GentleTestSupport
import Testing

/// Not a test: the measurement behind bench/desktop-idle.sh (enabled by GENTLE_BENCH=1). A
/// notifier connected to a real dunst, with one notification up, then left alone: how often does
/// the bus loop wake, and what does the whole process spend meanwhile?
@Test(.enabled(if: ProcessInfo.processInfo.environment["GENTLE_BENCH"] != nil))
func desktopIdleBench() async throws {
    let seconds = Double(ProcessInfo.processInfo.environment["GENTLE_BENCH_SECONDS"] ?? "") ?? 10
    try await DesktopSession.with { session in
        let harness = NotifierHarness(session)
        defer { harness.stop() }
        let delivery = makeDelivery()
        harness.notifier.deliver(delivery)
        try await harness.delivered(delivery.occurrence)
        try await Task.sleep(nanoseconds: 1_000_000_000)

        func sample() async throws -> (wakeups: Int, processed: Int, usage: rusage) {
            let stats = try await onQueue(harness.bus.queue) { harness.bus.connection?.statistics }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return (stats?.wakeups ?? -1, stats?.processed ?? -1, usage)
        }
        let before = try await sample()
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        let after = try await sample()
        func micros(_ t: timeval) -> Int { t.tv_sec * 1_000_000 + Int(t.tv_usec) }
        let cpu = (micros(after.usage.ru_utime) + micros(after.usage.ru_stime)
                   - micros(before.usage.ru_utime) - micros(before.usage.ru_stime))
        print("BENCH idle \(Int(seconds)) s with one notification up:"
              + " bus loop wakeups \(after.wakeups - before.wakeups),"
              + " messages processed \(after.processed - before.processed),"
              + " process CPU \(Double(cpu) / 1000) ms,"
              + " voluntary context switches \(after.usage.ru_nvcsw - before.usage.ru_nvcsw)"
              + " (whole test process, Swift Testing included)")
    }
}
