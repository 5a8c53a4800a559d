import ArgumentParser
import CollabBenchCore
import CollabBenchRunner
import CollabBenchStore
import Foundation

/// `collabbench study`: user studies, where real people play the user.
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "User studies: people chat with the agent through a link, rate it, and their conversations are scored like a run.",
        subcommands: [StudyCreateCommand.self, StudyListCommand.self])
}

/// `collabbench study create`: a study run with one link per participant.
struct StudyCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Make a study: one unguessable link per participant, each bound to a task of the pack.",
        discussion: """
            The study is a run whose user is a person (human/study, preset 'human'), scored with the \
            same metrics and judges as a simulated run. Serve the links with 'collabbench serve --db <store>'. \
            No personal data is asked for or stored: a participant is an opaque id.
            """)

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "The task pack (a folder or a built-in pack's name).")
    var pack: String

    @Option(help: "The agent under test: provider/model[@base_url].")
    var agent: String

    @Option(help: "Agent preset: base (no system prompt) or proactive (asks clarifying questions). (default: base)")
    var preset: RunPlan.AgentPreset = .base

    @Option(help: "A judge model (repeat for several; default: the agent's model).")
    var judge: [String] = []

    @Option(help: "Participants to invite (one link each).")
    var participants: Int = 1

    @Option(help: "Ask for ratings after every N replies of the agent (and at the end).")
    var rateEvery: Int = 3

    @Option(help: "The study run's name.")
    var name: String?

    @Option(help: "The address the printed links start with (where 'collabbench serve' will listen).")
    var baseURL: String = "http://127.0.0.1:8080"

    @Option(help: "Seed of the agent's calls.")
    var seed: Int = 42

    func run() async throws {
        try await reportingErrors {
            let settings = StudySettings(pack: pack, agent: agent, agentPreset: preset, judges: judge, rateEvery: rateEvery, seed: seed)
            var random = SystemRandomNumberGenerator()
            let created = try StudyPlan(
                store: db, settings: settings, participants: participants, name: name, baseURL: baseURL, packSearchRoots: PackSearch.roots
            ).create(random: &random)
            print("study \(created.run.name) (\(created.run.id)): \(created.participants.count) participant link\(created.participants.count == 1 ? "" : "s")")
            for (participant, link) in zip(created.participants, created.links) {
                print("\(participant.id)\t\(participant.taskID)\t\(link)")
            }
        }
    }
}

/// `collabbench study list`: the studies of a store and their participants' state.
struct StudyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the studies of a store, each participant's link and state.")

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "The address the printed links start with.")
    var baseURL: String = "http://127.0.0.1:8080"

    func run() async throws {
        try await reportingErrors {
            let store = try ResultStore(path: db, mode: .readOnly)
            let studies = try store.studies()
            if studies.isEmpty { print("no studies in \(db)") }
            let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            for study in studies {
                let run = try store.run(study.runID)
                let people = try store.studyParticipants(runID: study.runID)
                let done = people.filter { $0.state == .finished }.count
                print("study \(run?.name ?? study.runID) (\(study.runID)): \(run?.packName ?? "?"), agent \(run?.agent ?? "?"), \(done)/\(people.count) finished")
                for p in people {
                    print("  \(p.id)\t\(p.taskID)\t\(p.state.rawValue)\t\(base)/study/\(p.token)")
                }
            }
        }
    }
}
