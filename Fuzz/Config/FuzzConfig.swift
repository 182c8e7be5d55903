import Foundation
import GentleCore

// libFuzzer target: the config loader, from raw bytes (the UTF-8 check) to a validated
// `GentleConfig` or its file:line:column errors (TOML parser, key locator, every table reader).
// What loads is then planned for two days (the planner must take any valid config). Checks:
// every error it reports names the file, and positions are 1-based.

private let start = Date(timeIntervalSince1970: 1_795_795_200)  // 2026-11-27T12:00:00Z

func fuzzConfig(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let bytes = Array(input)
    let path = "config.toml"
    let text: String
    do {
        text = try ConfigLoader.decode(bytes: bytes, path: path)
    } catch {
        check(error)
        // Not UTF-8: the loader still must not trip over what decoding with replacements gives.
        text = String(decoding: bytes, as: UTF8.self)
    }
    do {
        let loaded = try ConfigLoader.loadDocument(text: text, path: path)
        _ = ConfigSummary(config: loaded.config).text()
        let planner = Planner(config: loaded.config, timeZone: TimeZone(identifier: "Europe/Berlin"))
        let state = planner.initialState(at: start)
        _ = planner.decide(now: start.addingTimeInterval(3600), state: state)
        _ = planner.preview(from: start, until: start.addingTimeInterval(2 * 86_400), limit: 20, state: state)
    } catch {
        check(error)
    }
    return 0
}

private func check(_ errors: ConfigErrors) {
    guard !errors.errors.isEmpty else { fatalError("an empty ConfigErrors was thrown") }
    for error in errors.errors {
        guard error.file == "config.toml" else { fatalError("error names another file: \(error)") }
        if let line = error.line, line < 1 { fatalError("line \(line) in \(error)") }
        if let column = error.column, column < 1 { fatalError("column \(column) in \(error)") }
    }
}
