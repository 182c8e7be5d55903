import Foundation
import GentleTestSupport
import Testing
@testable import GentleCore

/// A header whose name does not start like a key, or a list element starting with `}`, aborts the
/// process inside toml++ (an assertion, not an error); the guard must catch each first, and never
/// complain about a `[` or `}` that belongs to a value, a string or a comment.
@Suite struct TOMLParserGuardTests {
    /// Found by ConfigRobustnessTests after an edit of the example config: `[,[checkin]]`
    /// crashed `gentle check` and would have stopped the daemon on reload.
    @Test(arguments: [
        ("[,[checkin]]", 1, 2, ","),
        ("[,a]", 1, 2, ","),
        ("[[,a]]", 1, 3, ","),
        ("x = 1\n  [ =a]", 2, 5, "="),
        ("[\n", 1, 2, "\\n"),
        ("[\r\n", 1, 2, "\\r"),
        ("[[[a]]]", 1, 3, "["),
        ("[[ {a}]]", 1, 4, "{"),
        ("[a]\n[#x]", 2, 2, "#"),
        ("a = [\n 1,\n]\n[.b]", 4, 2, "."),
        ("a = '[,x'\n[+y]", 2, 2, "+"),
        ("a = \"\"\"\n]\"\"\"\n[,z]", 3, 2, ","),
        ("\u{FEFF}[🌱]", 1, 2, "🌱"),
    ])
    func refusesAHeaderThatDoesNotStartWithAName(text: String, line: Int, column: Int, found: String) throws {
        let error = try #require(throws: TOMLSyntaxError.self) { try TOMLParserGuard.check(text) }
        #expect(error.position == SourcePosition(line: line, column: column))
        #expect(error.reason.hasSuffix("saw '\(found)'"))
    }

    /// Found by `make fuzz` (fuzz-config): `actions = ["done", "not-now",} …]`.
    @Test(arguments: [
        ("actions = [\"done\", \"not-now\",} \"snooze:30m\"]", 1, 30, "}"),
        ("a = [}", 1, 6, "}"),
        ("a = [\n  # a comment\n  }", 3, 3, "}"),
        ("a = [[1], [}]]", 1, 12, "}"),
        ("a = {b = [}]}", 1, 11, "}"),
        ("a = [1,\u{2028}]", 1, 8, "\\u2028"),
        ("a = [\u{85}]", 1, 6, "\\u0085"),
    ])
    func refusesAListElementThatStartsWithABraceOrALineSeparator(text: String, line: Int, column: Int, found: String) throws {
        let error = try #require(throws: TOMLSyntaxError.self) { try TOMLParserGuard.check(text) }
        #expect(error.position == SourcePosition(line: line, column: column))
        #expect(error.reason == "Error while parsing array: expected value or closing ']', saw '\(found)'")
    }

    @Test(arguments: [
        "[checkin]\n[[checkin]]\n[ a . b ]\n[\"quoted key\"]\n['lit']\n[a-b_c.0]",
        "a = [\n  [1, 2],\n  [ +3 ],\n  [ {x = 1} ],\n  # [,not a header]\n]\n",
        "a = \"\"\"\n[,inside a string]\n\"\"\"\nb = '''\n[,also]\n'''",
        "a = \"[,\" # [,\n[ok]",
        "a = \"\\\"[\"\n[ok]",
        "a = { b = [\n  1,\n] }\n[ok]",
        "# [,comment]\n\n\t[ ok ]",
        "a = [ \"}\", '}', \"\"\"\n}\"\"\" ]\nb = { c = 1 }\nd = [ { e = [1, 2] }, {} ]",
        "a = [1, [2, [3]], ]\n[ok]",
        "a = [1}",         // toml++ reports this one itself ("expected comma or closing ']'")
        "[ [a]]",          // and this
        "[ ]\n",           // and this
        "a = [,}]",        // and this (the comma comes first)
    ])
    func letsEverythingElseThrough(text: String) throws {
        try TOMLParserGuard.check(text)
    }

    @Test func theExampleConfigPasses() throws {
        try TOMLParserGuard.check(String(contentsOfFile: PackagePaths.root + "/config.example.toml", encoding: .utf8))
    }

    @Test func theLoaderReportsThemWithAHint() {
        let header = loadErrors("[[checkin]]\nid = \"a\"\n[,[checkin]]\n", path: "c.toml") ?? []
        #expect(header.map(\.description) == [
            "c.toml:3:2: this is not valid TOML (error while parsing table header: expected bare key starting character or string delimiter, saw ','); a table header is a name in brackets, like [desktop] or [[checkin]]",
        ])
        let list = loadErrors("[[checkin]]\nid = \"a\"\nactions = [\"done\", }\n", path: "c.toml") ?? []
        #expect(list.map(\.description) == [
            "c.toml:3:20: this is not valid TOML (error while parsing array: expected value or closing ']', saw '}'); a list ends with ], like actions = [\"done\", \"not-now\"]",
        ])
    }
}
