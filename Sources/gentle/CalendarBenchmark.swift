import ArgumentParser
import Foundation
import GentleCore

/// Next-elapse throughput of the engine in-process (behind the hidden `--benchmark` flag of
/// `gentle calendar`, used by bench/calendar.sh): every expression is advanced `iterations`
/// times from the base time, as `systemd-analyze calendar --iterations` does, repeatedly for
/// at least half a second of CPU time: once through `CalendarSpec.elapses` (the iteration
/// API), once by calling `nextElapse` from each previous elapse. CPU time, not wall time, so a
/// busy machine skews the figures less (bench/calendar.sh measures systemd-analyze the same
/// way).
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
        let iterate: (CalendarSpec, Int) -> (Int, Int64) = { spec, count in
            var n = 0
            var checksum: Int64 = 0
            for next in spec.elapses(afterMicroseconds: base, zone: zone).prefix(count) {
                checksum &+= next
                n += 1
            }
            return (n, checksum)
        }
        let callRepeatedly: (CalendarSpec, Int) -> (Int, Int64) = { spec, count in
            var n = 0
            var checksum: Int64 = 0
            var t = base
            while n < count, let next = spec.nextElapse(afterMicroseconds: t, zone: zone) {
                checksum &+= next
                n += 1
                t = next
            }
            return (n, checksum)
        }
        // Both ways must find the same elapses.
        let checksums = [iterate, callRepeatedly].map { body in specs.reduce(Int64(0)) { $0 &+ body($1, iterations).1 } }
        guard checksums[0] == checksums[1] else {
            FileHandle.standardError.write(Data("iterating and calling nextElapse disagree\n".utf8))
            throw ExitCode.failure
        }
        let iterated = measure(specs, iterate)
        let single = measure(specs, callRepeatedly)
        print("expressions: \(specs.count)")
        print("elapses: \(iterated.elapses)")
        print("cpu_seconds: \(String(format: "%.3f", iterated.seconds))")
        print("checksum: \(checksums[0])")
        print("single_call_elapses_per_second: \(single.rate)")
        print("elapses_per_second: \(iterated.rate)")
    }

    /// Runs every expression's `iterations` elapses over and over for at least half a second
    /// of CPU time.
    private func measure(_ specs: [CalendarSpec], _ body: (CalendarSpec, Int) -> (Int, Int64))
        -> (elapses: Int, seconds: Double, rate: Int) {
        var elapses = 0
        let started = CalendarBenchmark.cpuNanoseconds()
        var elapsed: UInt64 = 0
        repeat {
            for spec in specs {
                elapses += body(spec, iterations).0
            }
            elapsed = CalendarBenchmark.cpuNanoseconds() - started
        } while elapsed < 500_000_000
        let seconds = Double(elapsed) / 1e9
        return (elapses, seconds, Int((Double(elapses) / seconds).rounded()))
    }

    static func cpuNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
