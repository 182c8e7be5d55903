public enum GentleVersion {
    public static let string = "0.1.0"
}
