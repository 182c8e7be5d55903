import Foundation
import GentleTestSupport
import Testing
@testable import GentleCore

/// Inputs that once crashed a fuzz target (`make fuzz`), kept as they were found. Each must now
/// load to clear errors inside the file instead of aborting the process.
@Suite struct FuzzRegressionTests {
    static let directory = PackagePaths.root + "/Fuzz/regressions/config"
    static let files: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()

    @Test func thereAreRegressionInputs() {
        #expect(Self.files.count >= 2)
    }

    @Test(arguments: files)
    func configInputIsRefusedWithAPosition(file: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + file)))
        let text = try ConfigLoader.decode(bytes: bytes, path: file)
        let errors = try #require(loadErrors(text, path: file))
        let first = try #require(errors.first)
        #expect(first.message.hasPrefix("this is not valid TOML"), "\(first)")
        #expect((first.line ?? 0) >= 1 && (first.column ?? 0) >= 1)
    }
}
