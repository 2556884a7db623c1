public enum VQLModel {}
