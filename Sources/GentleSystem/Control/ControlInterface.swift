/// Names of the daemon's own D-Bus object, shared by the service and the `gentle` client.
public enum ControlInterface {
    public static let busName = "io.github.gentle"
    public static let objectPath = "/io/github/gentle"
    public static let interface = "io.github.gentle.Control1"

    /// D-Bus error names the service answers with.
    public enum ErrorName {
        public static let invalidArgument = "io.github.gentle.Error.InvalidArgument"
        public static let unknownCheckin = "io.github.gentle.Error.UnknownCheckin"
        public static let notOffered = "io.github.gentle.Error.NotOffered"
        public static let logUnavailable = "io.github.gentle.Error.LogUnavailable"
        public static let nothingFired = "io.github.gentle.Error.NothingFired"
    }

    /// Longest string argument accepted; notes are the only long ones.
    public static let maxArgumentLength = 4096
    /// `-1` in time fields means "none".
    public static let noTime: Int64 = -1
}
