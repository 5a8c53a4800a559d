/// The results browser's styles and script (appended to `/static/`).
enum BrowserAssets {
    static let stylesheet = ""
    static let script = ""
}
