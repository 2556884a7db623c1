import VQLCore

/// One synthetic impression: dense user and item indices of a `SyntheticWorld`, time, click.
public struct SyntheticEvent: Sendable {
    public var user: Int
    public var item: Int
    public var timeMs: Int64
    public var click: Bool
    /// A random exposure (KuaiRand's `is_rand`; written to the random log).
    public var isRandom: Bool
}

/// The event stream behind every synthetic format, so KuaiRand, KuaiRec, Tmall and RecBole
/// files carry the same planted structure (`SyntheticWorld`): per user, a lognormal number
/// of impressions (min 20) in sessions over 4/08–5/08 (`KuaiRandSynthesizer.sessionTimes`);
/// each impression on or after 4/22 is, with probability 0.10, a random exposure (uniform
/// item); otherwise, with probability 0.10, an item of one of the user's interest tags, else
/// a popularity-sampled item; the click follows `SyntheticWorld.clickLogit`.
///
/// Every user has its own RNG stream, handed to `body` after the click is drawn so a
/// writer can draw its extra columns from it: output is a pure function of the settings.
public enum SyntheticEvents {
    public static func forEach(_ world: SyntheticWorld, _ body: (SyntheticEvent, inout RandomSource) throws -> Void) throws {
        let settings = world.settings
        var lastShown = [Int64](repeating: Int64.min, count: world.tagRawIds.count)
        var times: [Int64] = []
        for u in 0..<settings.users {
            var rng = RandomSource.derive(seed: settings.seed, stream: 2, index: UInt64(u))
            KuaiRandSynthesizer.sessionTimes(&rng, meanLength: settings.meanLength, into: &times)
            for k in lastShown.indices { lastShown[k] = Int64.min }
            let interests = world.userInterests[u]
            for t in times {
                let isRandom = t >= KuaiRandSynthesizer.randomStartMs && rng.uniform() < 0.10
                var item: Int
                if isRandom {
                    item = rng.below(settings.items)
                } else if rng.uniform() < 0.10 {
                    let pool = world.itemsByPrimaryTag[interests[rng.below(interests.count)]]
                    item = pool.isEmpty ? world.popularItem(&rng) : Int(pool[rng.below(pool.count)])
                } else {
                    item = world.popularItem(&rng)
                }
                let tag = world.itemPrimaryTag[item]
                let recent = lastShown[tag] != Int64.min && t - lastShown[tag] <= KuaiRandSynthesizer.twoHoursMs
                lastShown[tag] = t
                let p = Activation.sigmoid(world.clickLogit(user: u, item: item, recent: recent))
                let click = rng.uniform() < p
                try body(SyntheticEvent(user: u, item: item, timeMs: t, click: click, isRandom: isRandom), &rng)
            }
        }
    }
}
