package dev.granary.wire;

/**
 * Status codes carried by {@code ERROR} replies. Each maps onto one of the contract's exit codes, so a
 * client can turn any remote failure into the right exit status. A code is never reused.
 */
public enum Status {
  OK(0, 0),
  INTERNAL(1, 1),
  INVALID_ARGUMENT(2, 2),
  NOT_FOUND(3, 3),
  UNAVAILABLE(4, 4),
  INTEGRITY(5, 5),
  ALREADY_EXISTS(6, 6),
  DENIED(7, 7),
  /** A directory has entries and the operation was not recursive. */
  NOT_EMPTY(8, 2),
  /** A path component that must be a directory is a file. */
  NOT_A_DIRECTORY(9, 2),
  /** The operation needs a file and the path is a directory. */
  IS_A_DIRECTORY(10, 2),
  /** The chunkserver has no room for the replica. */
  NO_SPACE(11, 4),
  /** The replica exists with another version than the one asked for. */
  STALE_VERSION(12, 4),
  /** The chunkserver holds no replica of that chunk handle. */
  NO_SUCH_REPLICA(13, 4),
  /** A node of a write pipeline failed; the detail names it. */
  PIPELINE_FAILED(14, 4),
  /** The peer violated the protocol (bad frame, wrong version, handshake missing). */
  PROTOCOL(15, 4),
  /** Too many transfers in progress; retry later. */
  BUSY(16, 4),
  /** A chunkserver that the master does not know (e.g. after a master restart) must register. */
  NOT_REGISTERED(17, 4),
  /** The master has not yet heard from enough chunkservers to answer for replica locations. */
  LOCATIONS_INCOMPLETE(18, 4),
  /** A request exceeds a protocol or configured limit. */
  TOO_LARGE(19, 2),
  /** A chunkserver and a master belong to different clusters (their cluster ids differ). */
  WRONG_CLUSTER(20, 2),
  /**
   * The master cannot write its operation log (disk full, I/O error): it refuses every mutation
   * until the log is writable again, and serves reads meanwhile.
   */
  READ_ONLY(21, 4),
  /**
   * A chunk's writer let its lease expire and the master released the chunk for garbage
   * collection; the upload cannot commit and must be written again.
   */
  LEASE_EXPIRED(22, 4),
  /**
   * A chunkserver (or the master, for a bad-replica report) refused a chunk access token: none,
   * expired, forged, for another chunk or operation, or signed with a key it does not know. The
   * detail is the reason's code ({@code dev.granary.wire.security.TokenCheck.Reason}).
   */
  TOKEN_INVALID(23, 7),
  /**
   * A commit names a chunk it reuses (a delta update, a deduplicated chunk) that nothing holds any
   * more: its replicas may be being deleted, so it is never referenced again. The writer sends the
   * chunk's bytes instead.
   */
  CHUNK_GONE(24, 4);

  private static final Status[] BY_CODE = new Status[32];

  static {
    for (Status s : values()) {
      BY_CODE[s.code] = s;
    }
  }

  private final int code;
  private final int exitCode;

  Status(int code, int exitCode) {
    this.code = code;
    this.exitCode = exitCode;
  }

  public int code() {
    return code;
  }

  /** The process exit code of ../shared/CONTRACT.md that this status maps onto. */
  public int exitCode() {
    return exitCode;
  }

  /** @throws ProtocolException for an unknown code */
  public static Status fromCode(int code) {
    Status s = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (s == null) {
      throw new ProtocolException("unknown status code " + code);
    }
    return s;
  }
}
