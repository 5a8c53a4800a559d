import CollabBenchReports

/// The page frame every server-rendered page shares: a title, a navigation bar, the stylesheet and
/// script from `/static/`, and the body. Callers escape untrusted text with ``HTMLPage/escape(_:)``.
public enum HTMLPage {
    /// `text` escaped for HTML text and quoted attribute values (model output is untrusted).
    public static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// A whole page. `navigation` is a list of (label, href) links shown at the top; `body` is
    /// already-escaped HTML.
    public static func render(title: String, navigation: [(String, String)] = [], body: String) -> String {
        var nav = ""
        for (label, href) in navigation {
            nav += "<a href=\"\(escape(href))\">\(escape(label))</a> "
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <link rel="stylesheet" href="/static/collabbench.css">
            <script src="/static/collabbench.js" defer></script>
            </head><body>
            <nav>\(nav)</nav>
            <main>
            \(body)
            </main>
            </body></html>
            """
    }
}
