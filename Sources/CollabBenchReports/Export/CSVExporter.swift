import CollabBenchCore
import Foundation

/// Leaderboards as RFC 4180 CSV: a header record, then one record per row of every board, CRLF
/// line ends, fields quoted when they need it. Numbers are full precision; none is empty. Control
/// characters in names (escape sequences, BEL, newlines) become spaces, as in ``TerminalText``.
public enum CSVExporter {
    /// The header fields.
    public static let header = [
        "pack", "kind", "profile_id", "profile", "rank", "agent", "agent_spec", "agent_preset", "runs", "run_names",
        "tasks", "conversations", "trials", "failed", "unscored", "metric",
        "task_metric", "task_metric_ci_low", "task_metric_ci_high", "task_metric_n", "task_metric_skipped",
        "tok_k", "tok_k_ci_low", "tok_k_ci_high",
        "itr", "itr_ci_low", "itr_ci_high", "itr_n", "itr_unscored",
        "simulator_format_error_rate", "user_messages", "judge_unreadable_rate", "judge_calls",
        "pass_k", "pass_at_k", "pass_hat_k", "ci_level", "differences",
    ]

    /// Writes `report` to `out`.
    public static func write<Out: TextOutputStream>(_ report: LeaderboardReport, to out: inout Out) {
        out.write(CSVField.record(header))
        let x = Exporter.exact
        for board in report.boards {
            let passK = LeaderboardRenderer.passK(board)
            for (rank, r) in board.rows.enumerated() {
                let estimate = passK.flatMap { k in r.passAtK.first { $0.k == k } }
                let fields: [String] = [
                    board.pack, board.kind.rawValue, board.profile.id, board.profile.summary, String(rank + 1), r.agent, r.agentSpec,
                    r.agentPreset, r.runs.joined(separator: " "), r.runNames.joined(separator: " "),
                    String(r.tasks), String(r.conversations), String(r.trials), String(r.failed), String(r.unscored), r.metric,
                    x(r.taskMetric), x(r.taskMetricCI?.lower), x(r.taskMetricCI?.upper), String(r.taskMetricN), String(r.taskMetricSkipped),
                    x(r.tokensK), x(r.tokensKCI?.lower), x(r.tokensKCI?.upper),
                    x(r.interactivity), x(r.interactivityCI?.lower), x(r.interactivityCI?.upper), String(r.interactivityN),
                    String(r.interactivityUnscored),
                    x(r.simulatorFormatErrorRate), String(r.userMessages), x(r.judgeUnreadableRate), String(r.judgeCalls),
                    passK.map(String.init) ?? "", x(estimate?.passAtK), x(estimate?.passHatK), x(report.level),
                    board.differences.joined(separator: "; "),
                ]
                // Names come from users and servers: no escape sequence or BEL reaches a terminal
                // that shows the file (as in the leaderboard's text).
                out.write(CSVField.record(fields.map(TerminalText.sanitize)))
            }
        }
    }
}
