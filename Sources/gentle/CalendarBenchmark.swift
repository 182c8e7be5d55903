import ArgumentParser
import Foundation
import GentleCore

/// Next-elapse throughput of the engine in-process (behind the hidden `--benchmark` flag of
/// `gentle calendar`, used by bench/calendar.sh): every expression is advanced `iterations`
/// times from the base time, as `systemd-analyze calendar --iterations` does, repeatedly for
/// at least one second of CPU time. CPU time, not wall time, so a busy machine skews the
/// figure less (bench/calendar.sh measures systemd-analyze the same way).
struct CalendarBenchmark {
    var expressions: [String]
    var base: Int64
    var iterations: Int
    var zone: ZoneRules

    func run() throws {
        var specs: [CalendarSpec] = []
        for text in expressions {
            do { specs.append(try CalendarSpec(parsing: text, localZone: zone)) } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode.failure
            }
        }
        var elapses = 0
        var checksum: Int64 = 0
        let started = CalendarBenchmark.cpuNanoseconds()
        var elapsed: UInt64 = 0
        var rounds = 0
        repeat {
            for spec in specs {
                var t = base
                for _ in 0..<iterations {
                    guard let next = spec.nextElapse(afterMicroseconds: t, zone: zone) else { break }
                    checksum &+= next
                    elapses += 1
                    t = next
                }
            }
            rounds += 1
            elapsed = CalendarBenchmark.cpuNanoseconds() - started
        } while elapsed < 1_000_000_000
        let seconds = Double(elapsed) / 1e9
        print("expressions: \(specs.count)")
        print("rounds: \(rounds)")
        print("elapses: \(elapses)")
        print("cpu_seconds: \(String(format: "%.3f", seconds))")
        print("checksum: \(checksum)")
        print("elapses_per_second: \(Int((Double(elapses) / seconds).rounded()))")
    }

    static func cpuNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
