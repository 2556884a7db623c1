/// The KuaiRand-1K raw file names and column layouts (see DATASETS.md).
public enum KuaiRandFormat {
    /// Log files in "file order": the order that breaks ties between equal timestamps.
    public static let logFiles = [
        "log_standard_4_08_to_4_21_1k.csv",
        "log_standard_4_22_to_5_08_1k.csv",
        "log_random_4_22_to_5_08_1k.csv",
    ]
    public static let videoFeaturesFile = "video_features_basic_1k.csv"

    /// The 19 integer columns of every log file, in order.
    public static let logColumns = [
        "user_id", "video_id", "date", "hourmin", "time_ms", "is_click", "is_like", "is_follow",
        "is_comment", "is_forward", "is_hate", "long_view", "play_time_ms", "duration_ms",
        "profile_stay_time", "comment_stay_time", "is_profile_enter", "is_rand", "tab",
    ]

    /// Log columns that hold 0/1 and may serve as the label.
    public static let binaryLabelColumns = [
        "is_click", "is_like", "is_follow", "is_comment", "is_forward", "is_hate", "long_view",
        "is_profile_enter",
    ]

    /// The 12 columns of `video_features_basic_1k.csv`, in order.
    public static let videoColumns = [
        "video_id", "author_id", "video_type", "upload_dt", "upload_type", "visible_status",
        "video_duration", "server_width", "server_height", "music_id", "music_type", "tag",
    ]

    public static func logColumnIndex(_ name: String) -> Int? { logColumns.firstIndex(of: name) }

    /// Upper bounds (seconds) of the duration buckets 1...6; bucket 7 is longer, 0 is missing.
    public static let durationBucketBoundsSeconds: [Double] = [7, 15, 30, 60, 120, 300]

    /// Duration bucket of a video: 0 for missing (NaN), else 1 + the number of bounds ≤ it.
    public static func durationBucket(ms: Double) -> Int32 {
        if ms.isNaN { return 0 }
        let seconds = ms / 1000
        var b: Int32 = 1
        for bound in durationBucketBoundsSeconds where seconds >= bound { b += 1 }
        return b
    }
}
