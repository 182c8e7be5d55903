import Foundation
import Testing
import GentleSystem
import GentleTestSupport

/// The binary carries copies of config.example.toml and systemd/gentle.service
/// (scripts/embed-files writes them into EmbeddedFiles.swift). They must stay identical.
struct EmbeddedFilesTests {
    @Test(arguments: [("config.example.toml", EmbeddedFiles.exampleConfig),
                      ("systemd/gentle.service", EmbeddedFiles.userUnit)])
    func embeddedCopyMatchesTheRepositoryFile(_ file: String, _ embedded: String) throws {
        let original = try String(contentsOfFile: PackagePaths.root + "/" + file, encoding: .utf8)
        #expect(embedded == original, "\(file) changed: run `make embed` (scripts/embed-files) and commit the result")
    }

    @Test func theEmbeddedUnitStartsTheDefaultBinary() {
        #expect(EmbeddedFiles.userUnit.contains("\nExecStart=%h/.local/bin/gentle run\n"))
    }
}
