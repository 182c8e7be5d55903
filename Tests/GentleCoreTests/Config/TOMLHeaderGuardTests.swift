import Foundation
import GentleTestSupport
import Testing
@testable import GentleCore

/// A header whose name does not start like a key aborts the process inside toml++ (an assertion,
/// not an error); the guard must catch every such header first, and never a `[` that belongs to
/// a value, a string or a comment.
@Suite struct TOMLHeaderGuardTests {
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
        let error = try #require(throws: TOMLSyntaxError.self) { try TOMLHeaderGuard.check(text) }
        #expect(error.position == SourcePosition(line: line, column: column))
        #expect(error.reason.hasSuffix("saw '\(found)'"))
    }

    @Test(arguments: [
        "[checkin]\n[[checkin]]\n[ a . b ]\n[\"quoted key\"]\n['lit']\n[a-b_c.0]",
        "a = [\n  [1, 2],\n  [ +3 ],\n  [ {x = 1} ],\n  # [,not a header]\n]\n",
        "a = \"\"\"\n[,inside a string]\n\"\"\"\nb = '''\n[,also]\n'''",
        "a = \"[,\" # [,\n[ok]",
        "a = \"\\\"[\"\n[ok]",
        "a = { b = [\n  1,\n] }\n[ok]",
        "# [,comment]\n\n\t[ ok ]",
        "[ [a]]",          // toml++ reports this one itself
        "[ ]\n",           // and this
    ])
    func letsEverythingElseThrough(text: String) throws {
        try TOMLHeaderGuard.check(text)
    }

    @Test func theExampleConfigPasses() throws {
        try TOMLHeaderGuard.check(String(contentsOfFile: PackagePaths.root + "/config.example.toml", encoding: .utf8))
    }

    @Test func theLoaderReportsItWithAHint() {
        let errors = loadErrors("[[checkin]]\nid = \"a\"\n[,[checkin]]\n", path: "c.toml") ?? []
        #expect(errors.map(\.description) == [
            "c.toml:3:2: this is not valid TOML (error while parsing table header: expected bare key starting character or string delimiter, saw ','); a table header is a name in brackets, like [desktop] or [[checkin]]",
        ])
    }
}
