import Hummingbird

/// The stylesheet and script every page loads, served from `/static/`. Kept in Swift so the
/// binary is all a user needs; no Node toolchain, no build step.
public enum StaticAssets {
    /// Registers `/static/collabbench.css` and `/static/collabbench.js`.
    public static func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/static/collabbench.css") { _, _ in
            HTTPResponses.bytes(stylesheet, contentType: "text/css; charset=utf-8", cacheable: true)
        }
        router.get("/static/collabbench.js") { _, _ in
            HTTPResponses.bytes(script, contentType: "text/javascript; charset=utf-8", cacheable: true)
        }
    }

    /// Shared styles. Pages add classes, not inline styles (the content-security policy forbids them).
    public static var stylesheet: String { baseStylesheet + extraStylesheets.joined(separator: "\n") }

    /// Shared script. Feature scripts append themselves to ``extraScripts``.
    public static var script: String { extraScripts.joined(separator: "\n") }

    static let baseStylesheet = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1b1f24; background: #fff; }
        nav { background: #24292f; padding: .5rem 1rem; }
        nav a { color: #fff; margin-right: 1rem; text-decoration: none; }
        main { padding: 1rem 1.5rem; max-width: 80rem; }
        table { border-collapse: collapse; margin: .5rem 0 1rem; }
        th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; }
        pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; padding: .5rem; }
        .muted { color: #57606a; }
        .human { font-size: 0.8em; padding: 0 0.3em; border: 1px solid #8250df; border-radius: 3px; color: #8250df; }
        """

    /// Styles contributed by the browser and study pages (each registers its own block here).
    static let extraStylesheets: [String] = [BrowserAssets.stylesheet, StudyAssets.stylesheet]

    /// Scripts contributed by the browser and study pages.
    static let extraScripts: [String] = [BrowserAssets.script, StudyAssets.script]
}
