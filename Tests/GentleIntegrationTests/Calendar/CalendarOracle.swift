import Foundation
import GentleTestSupport

/// Runs a calendar command (`systemd-analyze calendar` or `gentle calendar`) over many
/// expressions at once and splits its output back into one result per expression.
struct CalendarRun {
    /// What the command reported for one expression.
    enum Outcome: Equatable {
        /// Parsed: the table it printed.
        case table(Table)
        /// Rejected: the "Failed to parse…" line and any "Hint:" lines after it.
        case rejected([String])
        /// Parsed but no table: the lines about the failed evaluation.
        case failedEvaluation([String])
    }

    struct Table: Equatable {
        var original: String?
        var normalized: String
        /// "Next elapse" / "Iter. #k" values, in order; "never" shows as an empty list plus `never`.
        var elapses: [String]
        /// "(in UTC)" values (absent when the local zone is UTC).
        var utc: [String]
        var never: Bool
        /// Every line but "From now:", which depends on the wall clock.
        var stableLines: [String]
    }

    var result: RunResult
    var outcomes: [String: Outcome]

    static let systemdAnalyze = "/usr/bin/systemd-analyze"

    /// Runs `program calendar EXPR… --base-time=BASE --iterations=N` with `TZ=zone`.
    static func run(_ program: String, prefix: [String] = [], expressions: [String], zone: String, base: String,
                    iterations: Int) throws -> CalendarRun {
        let args = prefix + ["calendar"] + expressions + ["--base-time=\(base)", "--iterations=\(iterations)"]
        let result = try RunResult.run(program, args, environment: ["TZ": zone, "SYSTEMD_COLORS": "0", "TZDIR": nil])
        return CalendarRun(result: result, outcomes: split(result, expressions: expressions))
    }

    private static let parseFailure = "Failed to parse calendar specification '"
    private static let evaluationFailure = "Failed to determine next elapse for '"

    private static func quoted(_ line: String, after prefix: String) -> String? {
        guard line.hasPrefix(prefix), let end = line.range(of: "': ", options: .backwards) else { return nil }
        return String(line[line.index(line.startIndex, offsetBy: prefix.count)..<end.lowerBound])
    }

    static func split(_ result: RunResult, expressions: [String]) -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        var current: String?
        var pending: [String] = []
        for line in result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let expression = quoted(line, after: parseFailure) {
                outcomes[expression] = .rejected([line])
                current = expression
            } else if line.hasPrefix("Hint: "), let expression = current, case .rejected(let lines) = outcomes[expression] {
                outcomes[expression] = .rejected(lines + [line])
            } else if let expression = quoted(line, after: evaluationFailure) {
                outcomes[expression] = .failedEvaluation(pending + [line])
                pending = []
                current = nil
            } else if !line.isEmpty {
                pending.append(line)
            }
        }
        var blocks: [[String]] = []
        var block: [String] = []
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.isEmpty {
                if !block.isEmpty { blocks.append(block) }
                block = []
            } else {
                block.append(line)
            }
        }
        if !block.isEmpty { blocks.append(block) }
        var next = blocks.makeIterator()
        for expression in expressions where outcomes[expression] == nil {
            guard let lines = next.next() else { break }
            outcomes[expression] = .table(table(lines))
        }
        return outcomes
    }

    private static func table(_ lines: [String]) -> Table {
        var table = Table(original: nil, normalized: "", elapses: [], utc: [], never: false, stableLines: [])
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            guard let colon = trimmed.range(of: ": ") else { continue }
            let name = String(trimmed[..<colon.lowerBound])
            let value = String(trimmed[colon.upperBound...])
            if name != "From now" { table.stableLines.append(line) }
            switch name {
            case "Original form": table.original = value
            case "Normalized form": table.normalized = value
            case "(in UTC)": table.utc.append(value)
            case "Next elapse" where value == "never": table.never = true
            case "Next elapse": table.elapses.append(value)
            default: if name.hasPrefix("Iter. #") { table.elapses.append(value) }
            }
        }
        return table
    }
}
