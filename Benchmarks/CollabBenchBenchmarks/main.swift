// Throughput, harness CPU per call, memory, and replay speed of the runner against a loopback
// OpenAI-compatible server with a fixed latency. Built only with COLLABBENCH_BENCHMARKS=1;
// `make bench` runs it. The server runs in a child process so its CPU is not counted as ours.
//
// Usage:
//   collabbench-benchmarks serve --latency-ms 100           (prints its base URL, serves until killed)
//   collabbench-benchmarks [--latency-ms 100] [--concurrency 1,16,64,256] [--waves 4]
//                          [--memory 1000,10000] [--replay 1000] [--peer 20]
//   collabbench-benchmarks rate-limits [--seconds 40] ...   (RateLimitBenchmark.swift)

import CollabBenchCore
import CollabBenchMetrics
import CollabBenchModels
import CollabBenchPacks
import CollabBenchProcess
import CollabBenchRunner
import CollabBenchScoring
import CollabBenchStore
import CollabBenchTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct Options {
    var latencyMs = 100
    var concurrencies = [1, 16, 64, 256]
    /// Conversations per concurrency level, in multiples of the level: every wave is full, so the
    /// ratio measures the harness, not a half-empty last wave.
    var waves = 4
    var memoryRuns = [1000, 10000]
    var replay = 1000
    /// Conversations of the peer workload (the CollabLLM reference loop's 20 math conversations).
    var peer = 20
    var serve = false

    init(_ args: [String]) {
        var i = 0
        func next() -> String { i += 1; return i < args.count ? args[i] : "" }
        while i < args.count {
            switch args[i] {
            case "serve": serve = true
            case "--latency-ms": latencyMs = Int(next()) ?? latencyMs
            case "--concurrency": concurrencies = next().split(separator: ",").compactMap { Int($0) }
            case "--waves": waves = max(1, Int(next()) ?? waves)
            case "--memory": memoryRuns = next().split(separator: ",").compactMap { Int($0) }
            case "--replay": replay = Int(next()) ?? replay
            case "--peer": peer = Int(next()) ?? peer
            default: break
            }
            i += 1
        }
    }
}

/// Replies that never terminate, so every conversation makes 6 + 6 + 1 = 13 calls.
func scriptedReply(_ request: RecordedRequest, delay: Duration) -> ScriptedResponse {
    let first = request.messages.first?.content ?? ""
    // The unit-scale interactivity judge (the reward benchmark's) answers a score in [0, 1].
    if first.contains("You are evaluating how well"), first.contains("as a number between 0 and 1") { return .chat(#"{"thought":"fine","score":0.5}"#, delay: delay) }
    if first.contains("You are evaluating how well") { return .chat(#"{"thought":"fine","score":2}"#, delay: delay) }
    if first.contains("You are playing a person") { return .chat(#"{"thought":"keep going","message":"tell me more about it"}"#, delay: delay) }
    // The CollabLLM reference loop (Benchmarks/Peer): its simulated user must answer JSON with
    // `current_answer`, `thought` and `response` (never "[[TERMINATE CHAT]]", so every chat runs
    // its full length); the peer's metric judges read `accuracy` and `interactivity`. Its
    // assistant calls fall through to the reply below.
    if first.hasPrefix("You are role-playing as a human USER") {
        return .chat(#"{"current_answer":"no final answer yet","thought":"keep going","response":"tell me more about it"}"#, delay: delay)
    }
    if first.hasPrefix("You are grading a finished conversation") {
        return .chat(#"{"thought":"fine","accuracy":1,"interactivity":0.5}"#, delay: delay)
    }
    return .chat("Here is a thought: \\boxed{42}. What else would you like?", delay: delay)
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func currentRSSMegabytes() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

func makePack(tasks: Int, in dir: String) throws -> TaskPack {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try #"{"name":"bench","version":"1","kind":"math","description":"synthetic"}"#.write(toFile: dir + "/pack.json", atomically: true, encoding: .utf8)
    var lines = ""
    for i in 0..<tasks {
        lines += #"{"id":"b\#(i)","prompt":"What is \#(i)+1?","hidden_intent":"What is \#(i)+1?","reference":{"text":"\\boxed{\#(i + 1)}","answer":"\#(i + 1)"}}"# + "\n"
    }
    try lines.write(toFile: dir + "/tasks.jsonl", atomically: true, encoding: .utf8)
    return try PackLoader.load(directory: dir)
}

struct Measurement {
    var conversations: Int
    var calls: Int
    var wall: Double
    var cpu: Double
}

/// A pricing file giving the benchmark's model the price of gpt-4o-mini, so the meter prices every
/// call as `collabbench run` would for a priced model.
func benchPricingFile(in dir: String) throws -> String {
    let price = PricingTable.builtin.price(for: try ModelSpec(parsing: "openai/gpt-4o-mini"))!
    let path = dir + "/pricing.yaml"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "models:\n  bench: {input: \(price.inputPerMillion), output: \(price.outputPerMillion)}\n".write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// One run of `pack` assembled as `collabbench run` assembles it (``RunAssembler``: client, rate
/// budget, cache, meter, judges, scorer, store).
func runOnce(
    baseURL: String, pack: TaskPack, concurrency: Int, storePath: String, cache: CacheMode, pricing: String, forceNew: Bool = false
) async throws -> Measurement {
    var plan = RunPlan(pack: pack.directory, agent: .model("openai/bench@\(baseURL)"))
    plan.store = storePath
    plan.concurrency = concurrency
    plan.cache = cache
    plan.judgeAttempts = 1
    plan.maxExchanges = 6
    plan.pricingFile = pricing
    plan.forceNew = forceNew
    let session = try await RunAssembler(plan: plan, environment: [:]).prepare().open()
    let cpu0 = cpuSeconds()
    let t0 = Date()
    let summary = try await session.run()
    let wall = Date().timeIntervalSince(t0)
    let cpu = cpuSeconds() - cpu0
    await session.close()
    return Measurement(conversations: summary.completed, calls: summary.completed * 13, wall: wall, cpu: cpu)
}

func startServerProcess(latencyMs: Int) async throws -> (ChildProcess, String) {
    let process = try ChildProcess.start(
        .init(
            executable: CommandLine.arguments[0], arguments: ["serve", "--latency-ms", String(latencyMs)],
            standardOutput: .pipe, standardError: .descriptor(FileHandle.standardError.fileDescriptor)))
    return (process, await process.standardOutput?.firstLine() ?? "")
}

if CommandLine.arguments.dropFirst().first == "browse" {
    try await BrowseBenchmark.main(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "store-scale" {
    try await StoreScaleBenchmark.main(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "rate-limits" {
    try await RateLimitBenchmark.main(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
let options = Options(Array(CommandLine.arguments.dropFirst()))
if options.serve {
    let delay = Duration.milliseconds(options.latencyMs)
    let server = try await LoopbackOpenAIServer.start { scriptedReply($0, delay: delay) }
    print(server.baseURL)
    fflush(nil)
    while true { try await Task.sleep(for: .seconds(3600)) }
}

// The run assembler loads the pack's tokenizer (cl100k_base) as `collabbench run` does.
_ = try await TokenizerLocator().load(.cl100kBase)
let (serverProcess, baseURL) = try await startServerProcess(latencyMs: options.latencyMs)
defer { serverProcess.signal(SIGTERM) }
let work = FileManager.default.temporaryDirectory.appendingPathComponent("cb-bench-\(UUID().uuidString)").path
if CommandLine.arguments.dropFirst().first == "reward" {  // RewardBenchmark.swift
    try await RewardBenchmark.run(Array(CommandLine.arguments.dropFirst(2)), baseURL: baseURL, work: work)
    try? FileManager.default.removeItem(atPath: work)
    serverProcess.signal(SIGTERM)
    exit(0)
}
let pricing = try benchPricingFile(in: work)
print("CollabBench runner benchmark — loopback server at \(options.latencyMs) ms per call, 13 calls per conversation, tokenizer cl100k_base")
print("")
print("| concurrency | conversations | calls/s | ideal calls/s | ratio | harness CPU per call (ms) |")
print("| --- | --- | --- | --- | --- | --- |")
for c in options.concurrencies {
    let n = c * options.waves
    let pack = try makePack(tasks: n, in: work + "/pack-\(c)")
    let m = try await runOnce(baseURL: baseURL, pack: pack, concurrency: c, storePath: work + "/c\(c).sqlite", cache: .off, pricing: pricing)
    // Calls are sequential within a conversation: the ideal is c calls per latency.
    let ideal = Double(c) / (Double(options.latencyMs) / 1000)
    let rate = Double(m.calls) / m.wall
    print(String(format: "| %d | %d | %.1f | %.1f | %.3f | %.3f |", c, m.conversations, rate, ideal, rate / ideal, m.cpu / Double(m.calls) * 1000))
}
// The floor: the same calls through the model client alone (no engine, scoring, store or meter),
// sequentially and 64 at a time, to tell the HTTP stack's share of the CPU per call.
do {
    let factory = ModelClientFactory(maxConnectionsPerHost: 64, environment: [:])
    let client = factory.client(for: try ModelSpec(parsing: "openai/bench@\(baseURL)"), maxInFlight: 64)
    let request = ChatRequest(messages: [ChatMessage(role: .user, content: "floor")], sampling: Sampling(temperature: 0.6, topP: 0.9))
    print("")
    print("| model client alone | calls | calls/s | CPU per call (ms) |")
    print("| --- | --- | --- | --- |")
    for c in [1, 64] {
        let perTask = c == 1 ? 100 : 20
        let cpu0 = cpuSeconds()
        let t0 = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<c { group.addTask { for _ in 0..<perTask { _ = try await client.complete(request) } } }
            try await group.waitForAll()
        }
        let wall = Date().timeIntervalSince(t0)
        let calls = c * perTask
        print(String(format: "| %d in flight | %d | %.1f | %.3f |", c, calls, Double(calls) / wall, (cpuSeconds() - cpu0) / Double(calls) * 1000))
    }
    try await factory.shutdown()
}
if options.peer > 0 {
    // The workload of Benchmarks/Peer (CollabLLM's reference loop): N conversations, one at a time
    // as the reference runs them, then all at once.
    print("")
    print("| CollabBench, \(options.peer) conversations | calls | wall s | calls/s | ideal calls/s | ratio | harness CPU per call (ms) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for c in [1, options.peer] {
        let pack = try makePack(tasks: options.peer, in: work + "/pack-peer-\(c)")
        let m = try await runOnce(baseURL: baseURL, pack: pack, concurrency: c, storePath: work + "/peer\(c).sqlite", cache: .off, pricing: pricing)
        let ideal = Double(c) / (Double(options.latencyMs) / 1000)
        let rate = Double(m.calls) / m.wall
        print(String(format: "| concurrency %d | %d | %.2f | %.1f | %.1f | %.3f | %.3f |", c, m.calls, m.wall, rate, ideal, rate / ideal, m.cpu / Double(m.calls) * 1000))
    }
}
print("")
print("| conversations (concurrency 256) | wall s | peak RSS (MB) | RSS after (MB) |")
print("| --- | --- | --- | --- |")
for n in options.memoryRuns {
    let pack = try makePack(tasks: n, in: work + "/pack-mem-\(n)")
    let m = try await runOnce(baseURL: baseURL, pack: pack, concurrency: 256, storePath: work + "/mem\(n).sqlite", cache: .off, pricing: pricing)
    print(String(format: "| %d | %.1f | %.1f | %.1f |", m.conversations, m.wall, peakRSSMegabytes(), currentRSSMegabytes()))
}
if options.replay > 0 {
    let pack = try makePack(tasks: options.replay, in: work + "/pack-replay")
    let path = work + "/replay.sqlite"
    _ = try await runOnce(baseURL: baseURL, pack: pack, concurrency: 256, storePath: path, cache: .readWrite, pricing: pricing)
    // A second store file would miss the cache; re-run in the same store with a new run id.
    let store = try ResultStore(path: path)
    try store.forgetConversations()
    // The cache is keyed by endpoint: replay against the same URL, with the server gone.
    await serverProcess.stop()
    let m = try await runOnce(baseURL: baseURL, pack: pack, concurrency: 64, storePath: path, cache: .readOnly, pricing: pricing, forceNew: true)
    print("")
    print(String(format: "Replay of %d fully cached conversations (%d calls, no server): %.2f s, %.0f conversations/s, %.3f ms harness CPU per call", m.conversations, m.calls, m.wall, Double(m.conversations) / m.wall, m.cpu / Double(m.calls) * 1000))
}
try? FileManager.default.removeItem(atPath: work)
