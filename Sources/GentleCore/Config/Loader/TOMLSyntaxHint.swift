import Foundation

/// Adds what to write instead to the parser's own words for the TOML mistakes people make
/// most in a config like ours.
enum TOMLSyntaxHint {
    static func message(for reason: String) -> String {
        // One line, whatever the parser quoted from the file.
        var text = String(String.UnicodeScalarView(reason.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? " " : $0
        }))
        if text.hasPrefix("Error while parsing ") {
            text = "error while parsing " + text.dropFirst("Error while parsing ".count)
        }
        return "this is not valid TOML (\(text))" + hint(for: reason)
    }

    private static func hint(for reason: String) -> String {
        if reason.contains("parsing time") || reason.contains("parsing date") {
            return "; write times and dates in quotes, like when = \"08:30\" or date = \"2026-09-01\""
        }
        if reason.contains("could not determine value type") {
            return "; put text in quotes, like title = \"Take a breath\""
        }
        if reason.contains("unescaped control characters") || reason.contains("encountered end-of-file") && reason.contains("string") {
            return "; is a closing quote missing? Text over several lines goes in triple quotes: \"\"\"…\"\"\""
        }
        if reason.contains("cannot redefine existing") {
            return "; each key may appear once per table (is a [[checkin]] line missing before the second check-in?)"
        }
        if reason.contains("expected a comment or whitespace") {
            return "; is a value missing its quotes, or does text in single quotes contain an apostrophe? Use double quotes then"
        }
        if reason.contains("parsing table header") && reason.contains("expected bare key starting character") {
            return "; a table header is a name in brackets, like [desktop] or [[checkin]]"
        }
        if reason.contains("parsing array") && reason.contains("saw '}'") {
            return "; a list ends with ], like actions = [\"done\", \"not-now\"]"
        }
        if reason.contains("dangling comma") {
            return "; remove the comma before the closing brace"
        }
        return ""
    }
}
