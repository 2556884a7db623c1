public enum VQLTrain {}
