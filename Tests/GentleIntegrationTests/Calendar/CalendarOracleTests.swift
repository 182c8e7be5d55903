import Foundation
import GentleCore
import GentleTestSupport
import Testing

/// systemd-analyze is the oracle: every scenario runs it once over all its expressions, then
/// requires the same answers from gentle's engine (through the API) and from `gentle
/// calendar` (the binary, line for line).
@Suite struct CalendarOracleTests {
    static func systemdAnalyze() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/systemd-analyze" } + ["/usr/bin/systemd-analyze"]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw OracleMissing()
        }
        return found
    }

    struct OracleMissing: Error, CustomStringConvertible {
        var description: String { "systemd-analyze not found: install systemd (make test-deps)" }
    }

    @Test(arguments: CalendarOracleCases.scenarios)
    func engineAndCommandAnswerLikeSystemd(_ scenario: CalendarOracleCases.Scenario) throws {
        let oracle = try CalendarRun.run(try Self.systemdAnalyze(), expressions: scenario.expressions,
                                         zone: scenario.zone, base: scenario.base, iterations: scenario.iterations)
        let zone = ZoneDirectory.localZone(environment: ["TZ": scenario.zone])
        let base = try #require(SystemdTimestamp.parse(scenario.base, now: 0, localZone: zone))
        for expression in scenario.expressions {
            guard let expected = oracle.outcomes[expression] else {
                Issue.record("systemd-analyze said nothing about '\(expression)'")
                continue
            }
            checkEngine(expression, against: expected, zone: zone, base: base, iterations: scenario.iterations)
        }

        let ours = try CalendarRun.run(PackagePaths.gentleBinary, expressions: scenario.expressions,
                                       zone: scenario.zone, base: scenario.base, iterations: scenario.iterations)
        #expect(ours.result.status == oracle.result.status)
        for expression in scenario.expressions {
            #expect(ours.outcomes[expression] == oracle.outcomes[expression], "gentle calendar '\(expression)'")
        }
        #expect(ours.result.stderr == oracle.result.stderr)
    }

    private func checkEngine(_ expression: String, against expected: CalendarRun.Outcome, zone: ZoneRules,
                             base: Int64, iterations: Int) {
        let spec: CalendarSpec
        do {
            spec = try CalendarSpec(parsing: expression, localZone: zone)
        } catch {
            if case .rejected(let lines) = expected {
                #expect(lines.first == error.description)
            } else {
                Issue.record("engine rejected '\(expression)' (\(error.failure)), systemd accepted it")
            }
            return
        }
        var local: [String] = []
        var utc: [String] = []
        var never = false
        var failed = false
        var t = base
        iterating: for i in 0..<iterations {
            switch spec.elapse(afterMicroseconds: t, zone: zone) {
            case .elapse(let next):
                local.append(SystemdTimestampFormat.local(next, zone: zone))
                utc.append(SystemdTimestampFormat.utc(next))
                t = next
            case .never:
                never = i == 0
                break iterating
            case .endlessLoop, .outOfRange:
                failed = true
                break iterating
            }
        }
        switch expected {
        case .rejected(let lines):
            Issue.record("engine accepted '\(expression)' as \(spec.normalized); systemd: \(lines.first ?? "")")
        case .failedEvaluation:
            #expect(failed, "'\(expression)': systemd gave up evaluating it, the engine did not")
        case .table(let table):
            #expect(spec.normalized == table.normalized, "normalized form of '\(expression)'")
            #expect(!failed, "'\(expression)': the engine gave up, systemd did not")
            #expect(never == table.never, "'\(expression)': never")
            #expect(local == table.elapses, "'\(expression)': elapses in local time")
            if !table.utc.isEmpty {
                #expect(utc == table.utc, "'\(expression)': elapses in UTC")
            }
        }
    }

    /// The acceptance floor: at least 150 valid expressions and 40 rejected ones.
    @Test func coversEnoughExpressions() throws {
        let valid = Set(CalendarOracleCases.everyday + CalendarOracleCases.dstProbes
            + CalendarOracleCases.localAbbreviations.values.flatMap { $0 })
        let oracle = try CalendarRun.run(try Self.systemdAnalyze(), expressions: Array(valid), zone: "Europe/Berlin",
                                         base: "@1736944496", iterations: 1)
        let accepted = valid.filter { if case .table = oracle.outcomes[$0] { return true } else { return false } }
        #expect(accepted.count >= 150, "\(accepted.count) expressions systemd accepts")

        let invalid = try CalendarRun.run(try Self.systemdAnalyze(), expressions: CalendarOracleCases.invalid,
                                          zone: "UTC", base: "@1736944496", iterations: 1)
        let rejected = CalendarOracleCases.invalid.filter {
            if case .rejected = invalid.outcomes[$0] { return true } else { return false }
        }
        #expect(rejected.count >= 40, "\(rejected.count) expressions systemd rejects")
        #expect(Set(CalendarOracleCases.transitions.map(\.zone)).count >= 7)
    }
}
