import Foundation
import Testing
import GentleTestSupport

@Suite struct CLIBasicsTests {
    @Test func printsItsVersion() throws {
        let result = try RunResult.run(PackagePaths.gentleBinary, ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }
}
