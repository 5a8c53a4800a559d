import CollabBenchCore
import Foundation

/// A page of the datasets-server `/rows` endpoint.
struct RowsPage: Decodable {
    struct Entry: Decodable {
        var rowIndex: Int
        var row: [String: JSONValue]
        var truncatedCells: [String]?

        enum CodingKeys: String, CodingKey {
            case rowIndex = "row_idx"
            case row
            case truncatedCells = "truncated_cells"
        }
    }

    var rows: [Entry]
    var totalRows: Int

    enum CodingKeys: String, CodingKey {
        case rows
        case totalRows = "num_rows_total"
    }
}

extension DatasetDownloader {
    /// The `/rows` URL of one page.
    func rowsURL(dataset: String, part: DatasetSource.RowsPart, offset: Int, length: Int) -> String {
        var components = URLComponents(string: (sourceURL ?? "https://datasets-server.huggingface.co") + "/rows")!
        components.queryItems = [
            URLQueryItem(name: "dataset", value: dataset), URLQueryItem(name: "config", value: part.config),
            URLQueryItem(name: "split", value: part.split), URLQueryItem(name: "offset", value: String(offset)),
            URLQueryItem(name: "length", value: String(length)),
        ]
        return components.string!
    }

    /// Every row of every part, as JSON lines in the importer's shape.
    func fetchRows(
        source: DatasetSource, dataset: String, parts: [DatasetSource.RowsPart], progress: @escaping @Sendable (String) -> Void
    ) async throws -> [String] {
        var lines: [String] = []
        for part in parts {
            let first = try await page(dataset: dataset, part: part, offset: 0, length: pageLength)
            let total = first.totalRows
            if let expected = part.expectedRows, total != expected {
                throw DatasetDownloadError(
                    .rowCountMismatch,
                    "\(dataset) \(part.config)/\(part.split) has \(total) rows, but \(expected) are published; the dataset changed upstream"
                )
            }
            var firstRows = first.rows
            if firstRows.contains(where: { !($0.truncatedCells ?? []).isEmpty }) {
                firstRows = try await rows(dataset: dataset, part: part, offset: 0, length: firstRows.count)
            }
            guard !firstRows.isEmpty || total == 0 else {
                throw DatasetDownloadError(.malformedResponse, "\(dataset) \(part.config)/\(part.split): the first page holds no rows")
            }
            let offsets = Array(stride(from: firstRows.count, to: total, by: pageLength))
            let rest = try await inOrder(offsets) { offset in
                try await self.rows(dataset: dataset, part: part, offset: offset, length: min(self.pageLength, total - offset))
            }
            let entries = firstRows + rest.joined()
            guard entries.count == total, entries.enumerated().allSatisfy({ $0.offset == $0.element.rowIndex }) else {
                throw DatasetDownloadError(
                    .rowCountMismatch, "\(dataset) \(part.config)/\(part.split): received \(entries.count) rows in pages, expected \(total)"
                )
            }
            for entry in entries {
                lines.append(try Self.line(Self.record(entry, part: part, source: source)))
            }
            progress("\(dataset) \(part.config)/\(part.split): \(total) rows")
        }
        return lines
    }

    /// Exactly the rows `offset..<offset+length`, splitting pages whose cells came back truncated.
    func rows(dataset: String, part: DatasetSource.RowsPart, offset: Int, length: Int) async throws -> [RowsPage.Entry] {
        let got = try await page(dataset: dataset, part: part, offset: offset, length: length)
        if got.rows.contains(where: { !($0.truncatedCells ?? []).isEmpty }) {
            guard length > 1 else {
                throw DatasetDownloadError(
                    .malformedResponse,
                    "\(dataset) \(part.config)/\(part.split) row \(offset) is too large for the rows API (its cells come back truncated)")
            }
            let half = length / 2
            return try await rows(dataset: dataset, part: part, offset: offset, length: half)
                + rows(dataset: dataset, part: part, offset: offset + half, length: length - half)
        }
        guard got.rows.count == length else {
            throw DatasetDownloadError(
                .malformedResponse,
                "\(dataset) \(part.config)/\(part.split): asked for \(length) rows at \(offset), received \(got.rows.count)")
        }
        return got.rows
    }

    /// One page, decoded; a page whose cells are truncated is returned as is (see ``rows``).
    func page(dataset: String, part: DatasetSource.RowsPart, offset: Int, length: Int) async throws -> RowsPage {
        let url = rowsURL(dataset: dataset, part: part, offset: offset, length: length)
        let body = try await fetch(url)
        do {
            return try JSONDecoder().decode(RowsPage.self, from: Data(body))
        } catch {
            throw DatasetDownloadError(
                .malformedResponse, "\(Self.host(url)) sent something other than a page of rows for \(url): \(Self.snippet(body))")
        }
    }

    /// The importer's record for a row: MATH rows gain `id`, `split` and `subject` (the rows API
    /// does not carry MATH's file names, so the id is the row's place: `test/algebra/17`).
    static func record(_ entry: RowsPage.Entry, part: DatasetSource.RowsPart, source: DatasetSource) -> [String: JSONValue] {
        var row = entry.row
        if source.kind == .math {
            row["id"] = .string("\(part.split)/\(part.config)/\(entry.rowIndex)")
            row["split"] = .string(part.split)
            row["subject"] = .string(part.config)
        }
        return row
    }

    /// One JSON line, keys sorted.
    static func line(_ record: [String: JSONValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(record), as: UTF8.self)
    }
}
