package dev.granary.it.chaos;

/**
 * One operation of a chaos run as the history records it: who, what, on which path(s), with which
 * version, when it was invoked and completed (nanoseconds since the run began), and what came of
 * it. For a get, {@code version} is the version the read returned ({@link Content#EMPTY},
 * {@link Content#UNKNOWN} for bytes that are no version) and {@code Content} decides it from the
 * bytes alone.
 */
record Op(long id, int client, Kind kind, String path, String target, long version,
    long invokedNanos, long completedNanos, Outcome outcome, String detail) {

  /** What a client did. */
  enum Kind { PUT, PUT_FORCE, GET, MV, RM }

  /**
   * What came of it. {@code EXISTS} and {@code NOT_FOUND} are definite refusals; {@code UNKNOWN}
   * is a failure after which the operation may or may not have happened (a timeout while the
   * master was down, a connection lost after the request was sent).
   */
  enum Outcome { OK, EXISTS, NOT_FOUND, UNKNOWN }

  boolean touches(String p) {
    return p.equals(path) || p.equals(target);
  }

  boolean isMutation() {
    return kind != Kind.GET;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("#%d c%d [%7.3f..%7.3f s] %s %s", id, client, invokedNanos / 1e9,
        completedNanos / 1e9, kind, path));
    if (target != null) {
      sb.append(" -> ").append(target);
    }
    if (kind == Kind.GET) {
      sb.append(" = ").append(outcome == Outcome.OK ? describe(version) : outcome);
    } else {
      if (kind == Kind.PUT || kind == Kind.PUT_FORCE) {
        sb.append(" v").append(version);
      }
      sb.append(" : ").append(outcome);
    }
    if (detail != null && !detail.isEmpty()) {
      sb.append(" (").append(detail).append(')');
    }
    return sb.toString();
  }

  static String describe(long v) {
    if (v == Content.EMPTY) {
      return "<empty>";
    }
    if (v == Content.UNKNOWN) {
      return "<bytes of no version>";
    }
    return "v" + v;
  }
}
