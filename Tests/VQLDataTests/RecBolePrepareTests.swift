import Foundation
import Testing
@testable import VQLData

/// RecBole fixture: tab-separated typed headers, tokens with spaces, quotes and apostrophes,
/// a shared timestamp (file order), an empty timestamp (dropped), a genre declared `token`
/// that must be split, a numeric token feature.
let recboleInter = lines([
    "user_id:token\titem_id:token\trating:float\ttimestamp:float",
    "u 1\tOne Flew Over the Cuckoo's Nest (1975)\t5\t881250949",
    "u 1\tToy Story (1995)\t3\t881250949",
    "u2\tToy Story (1995)\t4\t875747190",
    "u 1\t\"Heat\" (1995)\t4\t881250000",
    "u2\tHeat\t2\t",
])
let recboleItems = lines([
    "item_id:token\tmovie_title:token_seq\trelease_year:token\tgenre:token",
    "One Flew Over the Cuckoo's Nest (1975)\tOne Flew\t1975\tDrama",
    "Toy Story (1995)\tToy Story\t1995\tAnimation Children's Comedy",
    "\"Heat\" (1995)\tHeat\t1995\tAction Crime Thriller",
])

@Test func recboleFixturePreparesExactly() throws {
    let f = try PreparedFixture(.recbole, ["ml.inter": recboleInter, "ml.item": recboleItems]) {
        $0.tagFields = ["genre"]
        $0.splitFields = ["genre"]
        $0.featureFields = ["release_year"]
    }
    defer { f.cleanup() }
    #expect(f.tokens("users_tokens.txt") == ["u 1", "u2"])
    #expect(f.tokens("items_tokens.txt") == ["\"Heat\" (1995)", "One Flew Over the Cuckoo's Nest (1975)", "Toy Story (1995)"])
    #expect(f.userOffsets == [0, 3, 4])
    #expect(f.items == [0, 1, 2, 2])
    #expect(f.times == [881250000000, 881250949000, 881250949000, 875747190000])
    #expect(f.labels == [1, 1, 0, 1])
    #expect(f.tokens("tags_tokens.txt") == ["Action", "Animation", "Children's", "Comedy", "Crime", "Drama", "Thriller"])
    #expect(f.tagLists == [[0, 4, 6], [5], [1, 2, 3]])
    #expect(f.feature("release_year") == [2, 1, 2])
    #expect(f.summary.dropped(DropReason.noTimestamp) == 1)
    #expect(f.summary.rowsRead == 5)
    #expect(f.dataset.manifest.labelColumn == "rating >= 4.0")
}

@Test func recboleUnsplitTokenSeqFieldAndLabelThreshold() throws {
    let f = try PreparedFixture(.recbole, ["ml.inter": recboleInter, "ml.item": recboleItems]) {
        $0.tagFields = ["genre", "movie_title"]
        $0.threshold = 5
    }
    defer { f.cleanup() }
    #expect(f.labels == [0, 1, 0, 0])
    // Not split: the genre is one tag; movie_title is a token_seq, split; names carry the field.
    #expect(f.tagLists[2].map { f.tokens("tags_tokens.txt")[Int($0)] } == ["genre=Animation Children's Comedy", "movie_title=Toy", "movie_title=Story"])
}

@Test func recboleHeaderMustBeTyped() throws {
    let bad = recboleInter.replacingOccurrences(of: "rating:float", with: "rating")
    do {
        _ = try PreparedFixture(.recbole, ["ml.inter": bad])
        Issue.record("expected an error")
    } catch let e as DataError {
        #expect(e.description.hasPrefix("ml.inter:1: "), "\(e)")
        #expect(e.message.contains("name:type"))
    }
}
