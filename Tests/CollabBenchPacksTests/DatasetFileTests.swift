import CollabBenchPacks
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct DatasetFileTests {
    @Test func gzipAndPlainJSONLinesGiveTheSameRecords() throws {
        let plain = try DatasetFile(path: TestFixtures.path("importers-math.jsonl"))
        let gzip = try DatasetFile(path: TestFixtures.path("importers-math.jsonl.gz"))
        #expect(!plain.wasCompressed)
        #expect(gzip.wasCompressed)
        #expect(plain.records.count == 40)
        #expect(plain.records.map(\.fields) == gzip.records.map(\.fields))
        #expect(plain.records.map(\.line) == Array(1...40))
        #expect(gzip.name == "importers-math.jsonl.gz")
        #expect(plain.sha256 != gzip.sha256)
        #expect(plain.sha256.count == 64)
    }

    @Test func fileHashIsTheSHA256OfTheBytesOnDisk() throws {
        // sha256 of these 11 bytes, from Python's hashlib.
        let path = try TestFixtures.temporaryFile("one.jsonl", "{\"a\": \"b\"}\n")
        #expect(try DatasetFile(path: path).sha256 == "af03151ac1c5f1a7d48974dc077f0580bc3550c6cee8ae89279154e031831964")
    }

    @Test func concatenatedGzipMembersAreReadLikePython() throws {
        let member = try Data(contentsOf: URL(fileURLWithPath: TestFixtures.path("importers-math.jsonl.gz")))
        let path = try TestFixtures.temporaryFile("twice.jsonl.gz", member + member)
        let file = try DatasetFile(path: path)
        #expect(file.records.count == 80)
        #expect(file.records[40].line == 41)
    }

    @Test func truncatedGzipIsAnErrorNotAShorterFile() throws {
        let member = try Data(contentsOf: URL(fileURLWithPath: TestFixtures.path("importers-math.jsonl.gz")))
        let path = try TestFixtures.temporaryFile("cut.jsonl.gz", member.prefix(member.count / 2))
        let error = try #require(throws: PackImportError.self) { try DatasetFile(path: path) }
        #expect(error.code == .corruptCompression)
        #expect(error.description == "\(path): gzip data ends early: the file is truncated")
    }

    @Test func corruptGzipIsAnError() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestFixtures.path("importers-math.jsonl.gz"))))
        for i in 20..<60 { bytes[i] ^= 0x5A }
        let path = try TestFixtures.temporaryFile("bad.jsonl.gz", Data(bytes))
        let error = try #require(throws: PackImportError.self) { try DatasetFile(path: path) }
        #expect(error.code == .corruptCompression)
    }

    @Test func missingFileNamesThePath() throws {
        let error = try #require(throws: PackImportError.self) { try DatasetFile(path: "/no/such/file.jsonl") }
        #expect(error.code == .missingFile)
        #expect(error.description == "/no/such/file.jsonl: no such file")
    }

    @Test func malformedLineIsReportedWithFileAndLine() throws {
        let path = try TestFixtures.temporaryFile("rows.jsonl", "{\"id\": \"a\"}\n\n{\"id\": \"b\",\n{\"id\": \"c\"}\n")
        let error = try #require(throws: PackImportError.self) { try DatasetFile(path: path) }
        #expect(error.code == .malformedRecord)
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("\(path):3: not valid JSON"))
        #expect(!error.description.contains("\n"))
    }

    @Test func aLineThatIsNotAnObjectIsMalformed() throws {
        let path = try TestFixtures.temporaryFile("rows.jsonl", "{\"id\": \"a\"}\r\n[1, 2]\r\n")
        let error = try #require(throws: PackImportError.self) { try DatasetFile(path: path) }
        #expect(error.description == "\(path):2: expected a JSON object, found an array")
    }

    @Test func blankLinesAndCRLFAreAccepted() throws {
        let path = try TestFixtures.temporaryFile("rows.jsonl", "\u{FEFF}{\"id\": \"a\"}\r\n  \r\n{\"id\": \"b\", \"n\": 3, \"f\": true, \"z\": null}")
        let file = try DatasetFile(path: path)
        #expect(file.records.map(\.line) == [1, 3])
        #expect(file.records.map(\.index) == [1, 2])
        #expect(file.records[1].fields["n"] == .number(3))
        #expect(file.records[1].fields["f"] == .bool(true))
        #expect(file.records[1].fields["z"] == .null)
    }

    @Test func csvHandlesQuotesCommasAndLineBreaks() throws {
        let file = try DatasetFile(path: TestFixtures.path("importers-articles.csv"))
        let jsonl = try DatasetFile(path: TestFixtures.path("importers-articles.jsonl"))
        #expect(file.records.count == 8)
        for (csv, json) in zip(file.records, jsonl.records) {
            #expect(csv.fields["title"] == json.fields["title"])
            #expect(csv.fields["text"] == json.fields["text"])
        }
        // The first record spans three lines; the next starts on line 5.
        #expect(file.records[0].line == 2)
        #expect(file.records[1].line == 5)
        #expect(try file.records[2].string("title") == "A Short Note on \"Quotes\"")
    }

    @Test func csvProblemsNameTheLine() throws {
        let unclosed = try TestFixtures.temporaryFile("a.csv", "title,text\nok,fine\n\"open,never closed\n")
        let e1 = try #require(throws: PackImportError.self) { try DatasetFile(path: unclosed) }
        #expect(e1.description == "\(unclosed):3: CSV field opened with a quote is never closed")
        let ragged = try TestFixtures.temporaryFile("b.csv", "title,text\nok,fine\nonly one\n")
        let e2 = try #require(throws: PackImportError.self) { try DatasetFile(path: ragged) }
        #expect(e2.description == "\(ragged):3: CSV row has 1 field, the header has 2")
        let header = try TestFixtures.temporaryFile("c.csv", "title,title\n")
        let e3 = try #require(throws: PackImportError.self) { try DatasetFile(path: header) }
        #expect(e3.line == 1)
    }

    @Test func recordAccessorsNameTheFieldAndLine() throws {
        let path = try TestFixtures.temporaryFile("r.jsonl", "{\"a\": 1, \"b\": \"  \", \"c\": \"x\", \"d\": \"yes\"}\n")
        let record = try #require(try DatasetFile(path: path).records.first)
        #expect(try record.string("c") == "x")
        #expect(try record.flag("d") == true)
        #expect(try record.optionalString("missing") == nil)
        let missing = try #require(throws: PackImportError.self) { try record.string("missing") }
        #expect(missing.description == "\(path):1: missing field 'missing'")
        let wrong = try #require(throws: PackImportError.self) { try record.string("a") }
        #expect(wrong.description == "\(path):1: field 'a' must be a string, found a number")
        let empty = try #require(throws: PackImportError.self) { try record.string("b") }
        #expect(empty.description == "\(path):1: field 'b' is empty")
        #expect(throws: PackImportError.self) { try record.flag("c") }
    }
}
