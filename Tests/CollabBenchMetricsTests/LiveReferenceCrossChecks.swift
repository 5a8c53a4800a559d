import Testing

/// The long cross-checks against live Python references, one at a time so that two references
/// (each busy for up to a minute) do not compete for the 2 cores; the waits hold no thread.
@Suite(.timeLimit(.minutes(10)), .serialized)
struct LiveReferenceCrossChecks {
    @Test(.enabled(if: TokenizerTestEnvironment.canCrossCheck))
    func realDataMatchesLiveTiktoken() async throws {
        try await BPETokenizerTests.realDataMatchesLiveTiktoken()
    }

    @Test(.enabled(if: MathFixtures.liveCheckAvailable, "needs COLLABBENCH_REF_PYTHON and the MATH data"))
    func liveCrossCheckAgainstMathVerify() async throws {
        try await MathAnswerTests.liveCrossCheckAgainstMathVerify()
    }
}
