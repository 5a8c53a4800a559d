import Foundation

/// Where downloaded datasets are kept between runs.
public enum DatasetCacheFolder {
    /// `$COLLABBENCH_CACHE_DIR/datasets`, else `$XDG_CACHE_HOME/collabbench/datasets`, else
    /// `~/.cache/collabbench/datasets`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["COLLABBENCH_CACHE_DIR"], !dir.isEmpty {
            return (dir as NSString).appendingPathComponent("datasets")
        }
        let base: String
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            base = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = (home as NSString).appendingPathComponent(".cache")
        }
        return ((base as NSString).appendingPathComponent("collabbench") as NSString).appendingPathComponent("datasets")
    }
}
