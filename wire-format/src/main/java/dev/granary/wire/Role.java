package dev.granary.wire;

/** What a peer is, announced in the handshake. */
public enum Role {
  CLIENT(1), MASTER(2), CHUNKSERVER(3);

  private final int code;

  Role(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** @throws ProtocolException for an unknown code */
  public static Role fromCode(int code) {
    for (Role r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new ProtocolException("unknown role code " + code);
  }
}
