import CollabBenchCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct MetricTests {
    @Test func eachKindsTaskMetricIsTheOneItsPacksStore() {
        for kind in TaskKind.allCases {
            #expect(kind.metric.name == kind.metricName)
            #expect(kind.metric.taskKind == kind)
            #expect(Metric.named(kind.metricName) == kind.metric)
            #expect(kind.metric.isTaskMetric)
            #expect(kind.metric.scale == .percent && kind.metric.direction == .higherIsBetter)
        }
    }

    @Test func theHeadlineMetricsAsReportsShowThem() {
        #expect(
            Metric.named("accuracy").label == "Acc" && Metric.named("pass_rate").label == "Pass" && Metric.named("bleu").label == "BLEU")
        #expect(Metric.named("tok_k").label == "#Tok (k)" && Metric.named("itr").label == "ITR")
        #expect(Metric.tokensK.scale.factor == 1 && Metric.tokensK.scale.digits == 3 && Metric.tokensK.scale.differenceUnit == "k tokens")
        #expect(Metric.tokensK.higherIsBetter == false)
        #expect(Metric.itr.scale.factor == 100 && Metric.itr.higherIsBetter == true && Metric.itr.scale.differenceUnit == "points")
        #expect(Metric.accuracy.isBinary && Metric.passRate.isBinary && !Metric.bleu.isBinary && !Metric.itr.isBinary)
        #expect(Metric.userTokensK.scale.digits == 3 && Metric.userTokensK.higherIsBetter == nil)
    }

    @Test func theVariantsAndFiguresAreReportedAsStored() {
        // Reports have always shown these as stored, with no verdict on their direction.
        for name in ["accuracy_judged", "accuracy_symbolic", "turns", "sim_format_errors", "sim_early_stop", "sim_leak", "sim_leak_ngram"] {
            let metric = Metric.named(name)
            #expect(Metric.known.contains(metric), "\(name)")
            #expect(
                metric.label == name && metric.scale.factor == 1 && metric.higherIsBetter == nil && !metric.isBinary
                    && !metric.isTaskMetric, "\(name)")
        }
    }

    @Test func anUnknownNameGetsNeutralProperties() {
        let metric = Metric.named("itr.0.1")
        #expect(metric == Metric(name: "itr.0.1"))
        #expect(metric.label == "itr.0.1")
        #expect(metric.scale == .unit && metric.scale.factor == 1 && metric.scale.digits == 1)
        #expect(metric.direction == .neither && metric.higherIsBetter == nil)
        #expect(!metric.isBinary && metric.taskKind == nil)
    }

    @Test func knownNamesAreUnique() {
        #expect(Set(Metric.known.map(\.name)).count == Metric.known.count)
        for metric in Metric.known { #expect(Metric.named(metric.name) == metric) }
    }
}
