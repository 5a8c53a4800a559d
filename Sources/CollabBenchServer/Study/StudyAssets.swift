/// The study pages' styles and script (appended to `/static/`).
enum StudyAssets {
    static let stylesheet = ""
    static let script = ""
}
