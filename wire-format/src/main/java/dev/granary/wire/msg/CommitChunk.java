package dev.granary.wire.msg;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** A chunk a client has stored, as it tells the master when it commits the file. */
public record CommitChunk(long handle, long version, long length, long digest,
    List<String> replicaIds) {
  public CommitChunk {
    replicaIds = List.copyOf(replicaIds);
  }

  public void encode(ByteBuf out) {
    out.writeLong(handle);
    out.writeLong(version);
    out.writeLong(length);
    out.writeLong(digest);
    Codec.writeStrings(out, replicaIds);
  }

  public static CommitChunk decode(ByteBuf in) {
    return new CommitChunk(Codec.readLong(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "chunk length"), Codec.readLong(in), Codec.readStrings(in));
  }
}
