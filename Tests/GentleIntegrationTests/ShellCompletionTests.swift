import Foundation
import Testing
import GentleTestSupport

/// The completion scripts `make install` ships come from the binary itself; they must know every
/// command and be valid shell.
struct ShellCompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionsKnowEveryCommand(_ shell: String) throws {
        let script = try RunResult.run(PackagePaths.gentleBinary, ["--generate-completion-script", shell])
        #expect(script.status == 0, "\(script.stderr)")
        for word in ["run", "check", "next", "install", "uninstall", "purge", "no-start"] {
            #expect(script.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
    }

    @Test func theBashCompletionParses() throws {
        let script = try RunResult.run(PackagePaths.gentleBinary, ["--generate-completion-script", "bash"])
        let check = try RunResult.run("/bin/bash", ["-n"], input: script.stdout)
        #expect(check.status == 0, "\(check.stderr)")
    }
}
