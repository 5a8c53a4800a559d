import CollabBenchCore
import CollabBenchReports
import CollabBenchStore
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct EvaluationProfileTests {
    func profile(_ run: RunRecord, tasks: [String] = ["t01", "t02"]) -> EvaluationProfile {
        EvaluationProfile(run: run, taskIDs: tasks)
    }

    @Test func agentSettingsAndServerAddressesAreNotPartOfTheProfile() throws {
        let store = try ReportsTestSupport.newStore()
        let a = try ReportsTestSupport.addRun(store, id: "r1", agent: "openai/a", user: "openai/u@http://127.0.0.1:8080/v1", judge: "openai/j@http://127.0.0.1:8080/v1", conversations: [])
        let b = try ReportsTestSupport.addRun(
            store, id: "r2", agent: "openai/b", preset: "proactive", agentTemperature: 0.9, user: "openai/u@http://127.0.0.1:9999/v1",
            judge: "openai/j@http://127.0.0.1:9999/v1", seed: 7, conversations: [])
        let pa = profile(a)
        let pb = profile(b)
        #expect(pa.id == pb.id, "\(pa.differences(from: pb))")
        #expect(pa.simulatorModel == "openai/u")
        #expect(pa.judgeModel == "openai/j")
        #expect(!pa.settings.keys.contains { $0.lowercased().contains("agent") })
        #expect(pa.settings["promptHashes.user-simulator.guidance.math"] != nil)
        #expect(pa.settings["promptHashes.user-simulator.guidance.code"] == nil)
        #expect(pa.summary.contains("user openai/u"))
        #expect(pa.summary.contains("judge openai/j"))
    }

    @Test func differencesAreNamed() throws {
        let store = try ReportsTestSupport.newStore()
        let a = try ReportsTestSupport.addRun(store, id: "r1", judge: "openai/a", conversations: [])
        let b = try ReportsTestSupport.addRun(store, id: "r2", judge: "openai/b", judgePrompt: "ffffffff0000", conversations: [])
        let c = try ReportsTestSupport.addRun(store, id: "r3", user: "openai/other-sim", packHash: "packhash0002", conversations: [])
        #expect(profile(a).differences(from: profile(a)).isEmpty)
        let ab = profile(a).differences(from: profile(b))
        #expect(ab.contains("judge differs: openai/a vs openai/b"), "\(ab)")
        #expect(ab.contains { $0.hasPrefix("judge prompt differs: judge.interactivity 0a0a0a0a vs ffffffff") }, "\(ab)")
        let ac = profile(a).differences(from: profile(c, tasks: ["t01"]))
        #expect(ac.contains { $0.hasPrefix("pack differs:") }, "\(ac)")
        #expect(ac.contains("tasks differ: 2 vs 1 (1 only here, 0 only there)"), "\(ac)")
        #expect(ac.contains("simulator differs: openai/user-sim vs openai/other-sim"), "\(ac)")
        #expect(profile(a).id != profile(b).id)
    }

    @Test func unreadableConfigurationFallsBackToTheRunColumns() {
        let run = RunRecord(
            id: "x", name: "x", createdAt: "t", status: .completed, packName: "math", packVersion: "1", packKind: .math, packHash: "h",
            agent: "openai/a", agentPreset: "base", userSimulator: "openai/u@http://h/v1", judge: "openai/j", seed: 1, taskCount: 1,
            configJSON: "not json", collabbenchVersion: "t")
        let p = EvaluationProfile(run: run, taskIDs: ["a"])
        #expect(p.simulatorModel == "openai/u")
        #expect(p.judgeModel == "openai/j")
    }

    @Test func settingsAddedLaterJoinTheProfile() throws {
        let store = try ReportsTestSupport.newStore()
        let a = try ReportsTestSupport.addRun(store, id: "r1", conversations: [])
        var json = try #require(try JSONSerialization.jsonObject(with: Data(a.configJSON.utf8)) as? [String: Any])
        json["accuracyJudge"] = "llm"
        json["agentNewKnob"] = 3
        var b = a
        b.configJSON = String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
        let differences = profile(b).differences(from: profile(a))
        #expect(differences == ["setting differs: accuracyJudge \"llm\" vs (none)"] || differences == ["setting differs: accuracyJudge llm vs (none)"], "\(differences)")
    }
}
