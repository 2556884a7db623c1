public enum VQLData {}
