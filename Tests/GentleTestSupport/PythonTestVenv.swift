import Foundation

/// The Python with aiosmtpd that the email tests run: `$GENTLE_TEST_VENV` (the Makefile's
/// `test-deps` creates it), else `.build/test-venv` in the package, created on first use.
public enum PythonTestVenv {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Path of the venv's python, creating the venv under a file lock when needed.
    public static func python() throws -> String {
        try resolved.get()
    }

    private static let resolved: Result<String, Unavailable> = {
        do {
            return .success(try resolve())
        } catch let error as Unavailable {
            return .failure(error)
        } catch {
            return .failure(Unavailable(description: "\(error)"))
        }
    }()

    private static func resolve() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let directory: String
        if let given = environment["GENTLE_TEST_VENV"], !given.isEmpty {
            directory = given
        } else {
            directory = PackagePaths.root + "/.build/test-venv"
        }
        let python = directory + "/bin/python"
        if hasAiosmtpd(python) { return python }

        // Several test processes may get here at once: one creates, the others wait.
        try? FileManager.default.createDirectory(atPath: PackagePaths.root + "/.build", withIntermediateDirectories: true)
        let lockFD = open(directory + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        if lockFD >= 0 { flock(lockFD, LOCK_EX) }
        defer { if lockFD >= 0 { flock(lockFD, LOCK_UN); close(lockFD) } }
        if hasAiosmtpd(python) { return python }
        do {
            if !FileManager.default.isExecutableFile(atPath: python) {
                let made = try RunResult.run("/usr/bin/env", ["python3", "-m", "venv", directory])
                guard made.status == 0 else {
                    throw Unavailable(description: "python3 -m venv \(directory) failed: \(made.stderr) (apt-get install python3-venv)")
                }
            }
            let pip = try RunResult.run(directory + "/bin/pip", ["install", "--quiet", "aiosmtpd>=1.4"])
            guard pip.status == 0, hasAiosmtpd(python) else {
                throw Unavailable(description: "pip install aiosmtpd into \(directory) failed: \(pip.stderr)")
            }
        } catch let error as Unavailable {
            throw error
        } catch {
            throw Unavailable(description: "cannot set up \(directory): \(error)")
        }
        return python
    }

    private static func hasAiosmtpd(_ python: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: python),
              let check = try? RunResult.run(python, ["-c", "import aiosmtpd"]) else { return false }
        return check.status == 0
    }
}
