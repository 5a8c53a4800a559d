import Testing

/// The long cross-checks against live Python references, one at a time: each blocks a task
/// thread while the reference works (up to a minute), and on a 2-core machine two at once would
/// hold every thread and stall the rest of the suite, loopback servers and their timeouts included.
@Suite(.serialized)
struct LiveReferenceCrossChecks {
    @Test(.enabled(if: TokenizerTestEnvironment.canCrossCheck))
    func realDataMatchesLiveTiktoken() throws {
        try BPETokenizerTests.realDataMatchesLiveTiktoken()
    }

    @Test(.enabled(if: MathFixtures.liveCheckAvailable, "needs COLLABBENCH_REF_PYTHON and the MATH data"))
    func liveCrossCheckAgainstMathVerify() throws {
        try MathAnswerTests.liveCrossCheckAgainstMathVerify()
    }
}
