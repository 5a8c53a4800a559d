import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Fetches a rank file from its canonical URL; injected into ``TokenizerLocator`` so tests can
/// replace the network.
public protocol TokenizerDownloading: Sendable {
    /// Returns the body of a successful GET of `url`.
    ///
    /// - Throws: Any error; the locator wraps it into a ``TokenizerLocatorError``.
    func download(_ url: URL) async throws -> Data
}

/// Downloads with `URLSession`.
public struct URLSessionTokenizerDownloader: TokenizerDownloading {
    /// Seconds before a request is abandoned.
    public var timeout: TimeInterval

    /// Creates a downloader.
    ///
    /// - Parameter timeout: Seconds before a request is abandoned.
    public init(timeout: TimeInterval = 120) {
        self.timeout = timeout
    }

    /// Performs a GET and returns the body; non-2xx statuses are errors.
    public func download(_ url: URL) async throws -> Data {
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch let error as URLError {
            throw TransportError(message: error.localizedDescription)
        }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw HTTPStatusError(status: http.statusCode)
        }
        return data
    }

    /// A failed request, described by its localized message only.
    struct TransportError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// A non-success HTTP status.
    struct HTTPStatusError: Error, CustomStringConvertible {
        let status: Int
        var description: String { "HTTP status \(status)" }
    }
}
