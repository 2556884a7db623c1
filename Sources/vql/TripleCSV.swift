import Foundation
import VQLServe

/// `user_id,item_id,time_ms` CSV files of raw ids: the input of `vql score` and `vql cache append`.
enum TripleCSV {
    static func read(path: String) throws -> [(Int64, Int64, Int64)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CacheError(file: path, "cannot read the file")
        }
        var out: [(Int64, Int64, Int64)] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty { continue }
            if n == 0 {
                guard line == "user_id,item_id,time_ms" else {
                    throw CacheError(file: "\(path):1", "expected the header user_id,item_id,time_ms, found \"\(line)\"")
                }
                continue
            }
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 3, let u = Int64(f[0]), let i = Int64(f[1]), let t = Int64(f[2]) else {
                throw CacheError(file: "\(path):\(n + 1)", "expected three integers user_id,item_id,time_ms, found \"\(line)\"")
            }
            out.append((u, i, t))
        }
        return out
    }
}

extension ServingSession {
    /// Score of a raw (user, item): an unknown user or one without history attends to
    /// nothing (o = 0, as a sample with L = 0 in training); an unknown item is scored from a
    /// zero item representation. Both are flagged in `note`.
    func score(user: Int64, item: Int64) -> (probability: Float, logit: Float, note: String) {
        let u = userIndex[user]
        var notes: [String] = []
        if u == nil { notes.append("unknown_user") } else if directory.caches.tRef[u!] == UserCaches.empty { notes.append("no_history") }
        let logit: Float
        if let i = itemIndex[item] {
            logit = scorer.logit(user: u, item: i)
        } else {
            notes.append("unknown_item")
            logit = scorer.logitOfUnknownItem(user: u)
        }
        return (1 / (1 + expf(-logit)), logit, notes.joined(separator: ";"))
    }
}
