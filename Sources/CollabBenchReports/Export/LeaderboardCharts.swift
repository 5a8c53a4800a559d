/// The leaderboard charts of the HTML export, for other pages that show a board (the results
/// browser of `collabbench serve`). Inline SVG with presentation attributes only (no `style`
/// attributes, so a strict content-security policy shows them), every label escaped.
public enum LeaderboardCharts {
    /// The task metric against #Tok (k), one point per agent with its intervals on both axes.
    public static func scatter(_ board: LeaderboardBoard) -> String { SVGChart.scatter(board) }

    /// ITR per agent: a dot at the mean and a bar for its interval.
    public static func interactivity(_ board: LeaderboardBoard) -> String { SVGChart.interactivity(board) }
}
