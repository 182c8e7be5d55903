import TOMLKit

/// A parsed TOML value as plain Swift data. Converting TOMLKit's tree once, up front, keeps its
/// quirks (C-string values, unordered tables) in this file and lets the validator pattern-match.
indirect enum TOMLNode: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case date(year: Int, month: Int, day: Int)
    case time(String)
    case dateTime(String)
    case array([TOMLNode])
    case table([String: TOMLNode])

    /// Parses a whole document; parse errors keep TOMLKit's line and column.
    static func parse(_ text: String) throws(TOMLSyntaxError) -> [String: TOMLNode] {
        try TOMLParserGuard.check(text)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw TOMLSyntaxError(
                position: SourcePosition(line: max(1, error.source.begin.line), column: max(1, error.source.begin.column)),
                reason: error.description)
        } catch {
            throw TOMLSyntaxError(position: .start, reason: "\(error)")
        }
        return convert(table)
    }

    private static func convert(_ table: TOMLTable) -> [String: TOMLNode] {
        var out: [String: TOMLNode] = [:]
        for (key, value) in table { out[key] = convert(value) }
        return out
    }

    private static func convert(_ value: TOMLValueConvertible) -> TOMLNode {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .float(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .date:
            guard let d = value.date else { return .string("") }
            return .date(year: d.year, month: d.month, day: d.day)
        case .time: return .time(value.time?.debugDescription ?? "")
        case .dateTime: return .dateTime(value.dateTime?.debugDescription ?? "")
        case .array: return .array((value.array.map { Array($0) } ?? []).map { convert($0) })
        case .table: return .table(value.table.map { convert($0) } ?? [:])
        }
    }

    /// How the value reads in a message: the value itself for short scalars, its kind otherwise.
    func described(secret: Bool = false) -> String {
        switch self {
        case .string(let s):
            if secret { return "a string" }
            return "\"" + TOMLNode.shortened(s) + "\""
        case .integer(let i): return secret ? "a number" : "the number \(i)"
        case .float(let d): return secret ? "a number" : "the number \(d)"
        case .bool(let b): return secret ? "a true/false value" : "\(b)"
        case let .date(y, m, d): return "the TOML date \(CivilDateText.text(y, m, d))"
        case .time(let t): return "the TOML time \(t)"
        case .dateTime(let t): return "the TOML date-time \(t)"
        case .array: return "a list"
        case .table: return "a table"
        }
    }

    static func shortened(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            if out.count > 48 { return out + "…" }
        }
        return out
    }
}

struct TOMLSyntaxError: Error {
    var position: SourcePosition
    var reason: String
}

enum CivilDateText {
    static func text(_ y: Int, _ m: Int, _ d: Int) -> String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }
}
