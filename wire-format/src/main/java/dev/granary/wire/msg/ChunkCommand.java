package dev.granary.wire.msg;

import dev.granary.wire.ProtocolException;
import dev.granary.wire.security.ChunkToken;
import io.netty.buffer.ByteBuf;

/**
 * An instruction from the master to a chunkserver, delivered in a pulse reply.
 * {@code target} is set only for {@link Kind#COPY}, and so is {@code token}: the COPY token the
 * source hands the target with the replica ({@link ChunkToken#NONE} without security).
 */
public record ChunkCommand(Kind kind, long handle, long version, NodeAddress target, ChunkToken token) {
  static final int MIN_BYTES = 1 + 8 + 8 + 1 + 2;

  public enum Kind {
    /** Delete the replica (garbage, stale, excess or corrupt). */
    DELETE,
    /** Copy the replica to {@code target} (re-replication). */
    COPY,
    /** Verify the replica's checksums now and report the outcome. */
    VERIFY
  }

  public ChunkCommand {
    if ((kind == Kind.COPY) != (target != null)) {
      throw new IllegalArgumentException("a COPY command needs a target, other commands none");
    }
  }

  /** A command without a token. */
  public ChunkCommand(Kind kind, long handle, long version, NodeAddress target) {
    this(kind, handle, version, target, ChunkToken.NONE);
  }

  /** This command with {@code t} as its token. */
  public ChunkCommand withToken(ChunkToken t) {
    return new ChunkCommand(kind, handle, version, target, t);
  }

  public void encode(ByteBuf out) {
    out.writeByte(kind.ordinal());
    out.writeLong(handle);
    out.writeLong(version);
    Codec.writeBoolean(out, target != null);
    if (target != null) {
      target.encode(out);
    }
    token.encode(out);
  }

  public static ChunkCommand decode(ByteBuf in) {
    int k = Codec.readUnsignedByte(in);
    if (k >= Kind.values().length) {
      throw new ProtocolException("unknown chunk command kind " + k);
    }
    Kind kind = Kind.values()[k];
    long handle = Codec.readLong(in);
    long version = Codec.readLong(in);
    NodeAddress target = Codec.readBoolean(in) ? NodeAddress.decode(in) : null;
    if ((kind == Kind.COPY) != (target != null)) {
      throw new ProtocolException("chunk command " + kind + " with" + (target == null ? "out" : "")
          + " a target");
    }
    return new ChunkCommand(kind, handle, version, target, ChunkToken.decode(in));
  }
}
