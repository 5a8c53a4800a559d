import CollabBenchProcess
import CollabBenchTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The child-process supervisor: exits are never missed, waits hold no thread, deadlines run on
/// an injected clock, teardown reaches the process group, and nothing is signalled after its exit.
@Suite(.timeLimit(.minutes(5)))
struct ChildProcessTests {
    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cb-child-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func manyFastExitsAreAllSeenWithTheirStatus() async throws {
        // Far more children than the pool has threads, each exiting at once with its own status.
        try await withThrowingTaskGroup(of: (Int, ChildProcess.Termination).self) { group in
            for index in 0..<64 {
                group.addTask {
                    let child = try ChildProcess.start(.init(executable: "/bin/sh", arguments: ["-c", "exit \(index % 7)"]))
                    return (index, await child.waitForExit())
                }
            }
            var seen = 0
            for try await (index, termination) in group {
                #expect(termination == .init(status: Int32(index % 7), reason: .exit))
                seen += 1
            }
            #expect(seen == 64)
        }
    }

    @Test func outputToFilesAndInputFromAFile() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in"
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: input))
        let child = try ChildProcess.start(
            .init(
                executable: "/bin/sh", arguments: ["-c", "read line; echo \"got $line in $PWD\"; echo oops >&2; exit 3"],
                environment: ["PATH": "/usr/bin:/bin"], workingDirectory: dir, standardInput: .file(input),
                standardOutput: .file(dir + "/out"), standardError: .file(dir + "/err")))
        #expect(await child.waitForExit() == .init(status: 3, reason: .exit))
        let resolved = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
        let out = try String(contentsOfFile: dir + "/out", encoding: .utf8)
        #expect(out == "got hello in \(dir)\n" || out == "got hello in \(resolved)\n")
        #expect(try String(contentsOfFile: dir + "/err", encoding: .utf8) == "oops\n")
    }

    @Test func pipesCarryMoreThanAPipeHoldsBothWays() async throws {
        // 1 MB through stdin and back through stdout, stderr read at the same time: no deadlock.
        let child = try ChildProcess.start(
            .init(executable: "/bin/sh", arguments: ["-c", "cat; echo done >&2"], standardInput: .pipe, standardOutput: .pipe, standardError: .pipe))
        let payload = Data((0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        async let stdout = child.standardOutput!.collect()
        async let stderr = child.standardError!.collect()
        try await child.standardInput!.write(payload)
        await child.standardInput!.finish()
        #expect(await stdout == payload)
        #expect(await stderr == Data("done\n".utf8))
        #expect(await child.waitForExit().succeeded)
    }

    @Test func aWriteAfterTheChildIsGoneFailsWithoutKillingUs() async throws {
        let child = try ChildProcess.start(.init(executable: "/bin/true", standardInput: .pipe))
        _ = await child.waitForExit()
        await #expect(throws: POSIXError.self) {
            // The first write may still land in the socket buffer; a big one cannot.
            try await child.standardInput!.write(Data(count: 4_000_000))
        }
    }

    @Test func firstLineOfAStream() async throws {
        let child = try ChildProcess.start(
            .init(executable: "/bin/sh", arguments: ["-c", "printf 'http://x\\nmore\\n'"], standardOutput: .pipe))
        #expect(await child.standardOutput!.firstLine() == "http://x")
        _ = await child.waitForExit()
    }

    @Test func theDeadlineRunsOnTheInjectedClockAndTearsTheGroupDown() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The child starts a grandchild that ignores SIGTERM; only SIGKILL to the group ends it.
        let clock = ManualClock()
        let child = try ChildProcess.start(
            .init(
                executable: "/bin/sh",
                arguments: ["-c", "trap '' TERM; (trap '' TERM; sleep 300) & echo $! > \(dir)/grandchild; wait"]),
            clock: clock)
        async let completion = child.run(deadline: .seconds(30), teardown: .init(grace: .seconds(2)))
        await clock.waitForSleepers(1)
        #expect(child.termination == nil)
        clock.advance(by: .seconds(30))
        // SIGTERM is ignored: the grace period runs, on the same clock.
        await clock.waitForSleepers(1)
        #expect(child.termination == nil)
        clock.advance(by: .seconds(2))
        let result = try await completion
        #expect(result == .stoppedAtDeadline(.init(status: SIGKILL, reason: .signal)))
        let grandchild = try #require(Int32(String(contentsOfFile: dir + "/grandchild", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Killed with its group (it may linger a moment as a zombie of init until reaped).
        var alive = kill(grandchild, 0) == 0
        for _ in 0..<100 where alive {
            await Task.yield()
            alive = kill(grandchild, 0) == 0 && !Self.isZombie(grandchild)
        }
        #expect(!alive || Self.isZombie(grandchild))
        // After the exit, nothing is signalled (the pid may belong to someone else by now).
        #expect(child.signal(SIGTERM) == false)
    }

    @Test func cancellationStopsTheChildAndThrows() async throws {
        let child = try ChildProcess.start(.init(executable: "/bin/sleep", arguments: ["300"]), clock: ManualClock())
        let waiting = Task { try await child.run(deadline: nil, teardown: .init(grace: .seconds(5))) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // sleep dies of the SIGTERM, well within the grace period (which never passes on this clock).
        #expect(child.termination == .init(status: SIGTERM, reason: .signal))
    }

    @Test func anExitBeforeTheHandlerIsRegisteredIsStillReported() async throws {
        let child = try ChildProcess.start(.init(executable: "/bin/true"))
        _ = await child.waitForExit()
        let reported = await withCheckedContinuation { continuation in
            child.whenExited { continuation.resume(returning: $0) }
        }
        #expect(reported.succeeded)
    }

    @Test func aMissingProgramIsAnErrorNamingIt() async throws {
        #expect {
            try ChildProcess.start(.init(executable: "/nonexistent/program"))
        } throws: { error in
            (error as? ChildProcessError)?.code == .cannotStart && "\(error)".contains("/nonexistent/program")
        }
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true
    }
}

/// ``TestProcess``: output captured through files, a time limit that kills and names the program.
@Suite(.timeLimit(.minutes(5)))
struct TestProcessTests {
    @Test func capturesStatusAndBothStreamsBeyondAPipesSize() async throws {
        let result = try await TestProcess.run(
            "/bin/sh", ["-c", "head -c 200000 /dev/zero | tr '\\\\0' x; echo err >&2; exit 4"])
        #expect(result.status == 4)
        #expect(result.stdout.count == 200_000)
        #expect(result.stderrText == "err\n")
    }

    @Test func aProgramOverItsTimeLimitIsKilledAndNamed() async throws {
        await #expect {
            try await TestProcess.run("/bin/sleep", ["300"], timeLimit: .milliseconds(200))
        } throws: { error in
            "\(error)".contains("/bin/sleep 300") && error is TestProcess.TimedOut
        }
    }
}
