import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import CollabBenchServer
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Testing

/// What the headless-Chromium tests need: Selenium's Python (`COLLABBENCH_BROWSER_PYTHON`, made
/// by `make browser-env`), Chromium and chromedriver (Debian's `chromium` and `chromium-driver`).
enum BrowserTestSupport {
    /// The Python with Selenium, if set and present.
    static var python: String? {
        guard let path = ProcessInfo.processInfo.environment["COLLABBENCH_BROWSER_PYTHON"], FileManager.default.isExecutableFile(atPath: path)
        else { return nil }
        return path
    }

    /// The first of `names` found on the PATH or in /usr/bin.
    static func tool(_ names: String...) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin"]
        for name in names {
            for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) { return folder + "/" + name }
        }
        return nil
    }

    static let chromium = tool("chromium", "chromium-browser")
    static let chromedriver = tool("chromedriver")

    /// Whether everything is there.
    static var available: Bool { python != nil && chromium != nil && chromedriver != nil }

    /// The checkout's `Tests/Browser` folder.
    static let scripts = StudyFixture.root + "/Tests/Browser"

    /// Runs a browser script and decodes the JSON object it prints last.
    static func run(_ script: String, _ arguments: [String]) async throws -> [String: Any] {
        let output = try await TestProcess.run(
            python!, [scripts + "/" + script] + arguments + ["--chromium", chromium!, "--chromedriver", chromedriver!],
            timeLimit: .seconds(240))
        #expect(output.status == 0, "\(script) failed: \(output.stderrText.suffix(3000))")
        let line = output.stdoutText.split(separator: "\n").last.map(String.init) ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    /// Checks the screenshot measures a script reported: decoded PNGs of the window's size that are
    /// not blank.
    static func checkScreenshots(_ result: [String: Any], count: Int) {
        let shots = result["screenshots"] as? [[String: Any]] ?? []
        #expect(shots.count == count, "screenshots: \(shots)")
        for shot in shots {
            let width = shot["width"] as? Int ?? 0
            let height = shot["height"] as? Int ?? 0
            #expect(width == 1200, "\(shot)")
            #expect((500...900).contains(height), "\(shot)")
            #expect((shot["colours"] as? Int ?? 0) > 8, "a blank screenshot: \(shot)")
            #expect((shot["non_background"] as? Double ?? 0) > 0.01, "a blank screenshot: \(shot)")
        }
    }
}

/// A whole study conversation in headless Chromium: a participant opens their link, reads the task
/// card, chats 4 turns with the scripted agent, rates when asked, and ends the chat; the
/// screenshots are decoded and checked, and the store holds the scored conversation.
@Suite(
    "Study in headless Chromium", .timeLimit(.minutes(5)),
    .enabled(if: BrowserTestSupport.available, "needs COLLABBENCH_BROWSER_PYTHON (make browser-env), chromium and chromedriver"))
struct StudyBrowserTests {
    @Test("A participant completes a study in Chromium; the run is scored and on the leaderboard")
    func participantCompletesStudy() async throws {
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-study-shots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shots) }
        // Each clock reading is a second later, so every turn takes time.
        try await StudyFixture.with(participants: 1, rateEvery: 3, tick: 1) { fixture, base in
            let participant = fixture.created.participants[0]
            let result = try await BrowserTestSupport.run(
                "study_participant.py", ["--url", base.absoluteString + "/study/" + participant.token, "--out", shots.path, "--turns", "4"])
            let store = try fixture.store()
            let pack = try #require(try store.packSnapshot(hash: fixture.created.run.packHash))
            let task = try #require(pack.tasks.first { $0.id == participant.taskID })
            let intent = (result["intent"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!intent.isEmpty && task.hiddenIntent.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix(String(intent.prefix(60))))
            #expect(result["messages_sent"] as? Int == 4)
            // Every reply came through the streamed path: no page navigation while it arrived.
            #expect(result["streamed_replies"] as? Int == 4)
            #expect((result["ratings_given"] as? Int ?? 0) >= 1)
            #expect(result["script_ran"] as? Bool == false)
            #expect((result["last_reply"] as? String ?? "").contains("<script>"))
            BrowserTestSupport.checkScreenshots(result, count: 4)

            let stored = try #require(try store.studyParticipant(token: participant.token))
            #expect(stored.state == .finished)
            let conversation = try #require(try store.conversations(runID: fixture.created.run.id).first)
            let transcript = try store.transcript(conversationID: conversation.id)
            #expect(transcript.turns.count == 8)
            #expect(transcript.turns.filter { $0.role == .user }.allSatisfy { $0.call.latencySeconds > 0 })
            #expect(conversation.scores["human.document_rating"]?.value == 8)
            #expect(conversation.scores["human.interaction_rating"]?.value == 9)
            #expect(conversation.scores["itr"]?.status == .scored)
            let progress = StudyProgress(json: stored.progressJSON)
            #expect(progress.ratings.count == 2 && progress.ratings.first?.afterReplies == 3)
            #expect(progress.turnSeconds.count == 4)
            let report = try Leaderboard.build(store: store)
            #expect(report.rows.contains { $0.runs.contains(fixture.created.run.id) && $0.agentPreset == "human" })

            // A simulated run of the same agent, judge and pack: the study's row sits on its board, marked.
            var plan = StudySettings(pack: StudyFixture.root + "/Tasks/docs", agent: fixture.agent).runPlan(store: fixture.storePath, name: "docs-simulated")
            plan.user = fixture.agent
            let session = try await RunAssembler(plan: plan, environment: [:], workingDirectory: StudyFixture.root).prepare().open(countingTokens: false)
            let simulated = try await session.runThenClose()
            #expect(simulated.completed == 3, "\(simulated)")
            let both = try Leaderboard.build(store: try fixture.store())
            let board = try #require(both.boards.first { $0.rows.contains { $0.runs.contains(simulated.runID) } })
            let studyRow = try #require(board.rows.first { $0.runs.contains(fixture.created.run.id) }, "the study is on the simulated run's board")
            #expect(studyRow.humanRun == true && studyRow.user == "human/study")
            #expect(board.rows.first { $0.runs.contains(simulated.runID) }?.humanRun == nil)
            // And the browser's leaderboard page marks it.
            try await withServer(try ServeRouter.router(storePath: fixture.storePath)) { browse in
                let page = try await fetch(browse.appending(path: "/"))
                #expect(page.status == 200)
                #expect(page.body.contains("<span class=\"human\" title=\"human/study\">human</span>"), "\(page.body.prefix(4000))")
                #expect(!page.body.contains(StudyFixture.secret))
            }
        }
    }
}
