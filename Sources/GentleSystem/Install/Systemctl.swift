import Foundation

/// `systemctl --user …` as a child process, with its failures sorted into the ones a person can
/// act on: no systemctl at all, no reachable user manager, or the command itself failing.
public struct Systemctl: Sendable {
    public struct Output: Sendable, Equatable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// What it printed, stderr first, trimmed: for messages.
        public var text: String {
            [stderr, stdout].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                .joined(separator: "\n")
        }
    }

    public var environment: [String: String]
    /// Shown in errors as the way to run gentle without systemd.
    public var runByHand: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, runByHand: String) {
        self.environment = environment
        self.runByHand = runByHand
    }

    /// The `systemctl` that `PATH` finds, if any.
    public var executable: String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = String(directory) + "/systemctl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `systemctl --user <arguments>` and returns its output whatever its exit status,
    /// unless systemctl is missing or cannot reach the user manager.
    public func call(_ arguments: [String]) throws(InstallError) -> Output {
        guard let executable else { throw .systemctlMissing(runByHand: runByHand) }
        let output: Output
        do {
            output = try Self.runProcess(executable, ["--user", "--no-pager"] + arguments, environment: environment)
        } catch {
            throw .systemctlFailed(command: "systemctl --user " + arguments.joined(separator: " "), status: -1,
                                   output: "\(error)")
        }
        if output.status != 0, let detail = Self.connectionFailure(output.stderr) {
            throw .userManagerUnavailable(detail: detail, runByHand: runByHand)
        }
        return output
    }

    /// Like `call`, but a non-zero exit status is an error too.
    @discardableResult
    public func run(_ arguments: [String]) throws(InstallError) -> Output {
        let output = try call(arguments)
        guard output.status == 0 else {
            throw .systemctlFailed(command: "systemctl --user " + arguments.joined(separator: " "),
                                   status: output.status, output: output.text)
        }
        return output
    }

    /// The line systemctl prints when it cannot connect to the manager, e.g.
    /// `Failed to connect to bus: No medium found`; nil for other failures.
    static func connectionFailure(_ stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.contains("Failed to connect to bus") || $0.contains("Failed to connect to user scope bus") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func runProcess(_ path: String, _ arguments: [String], environment: [String: String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both pipes are drained at once so a chatty child cannot block on a full one.
        let errorData = LockedData()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errorData.get(), as: UTF8.self))
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
