package dev.granary.wire.msg;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** Chunk {@code index} of a file: its handle, version, length and the live replicas that hold it. */
public record ChunkLocation(int index, long handle, long version, long length,
    List<NodeAddress> replicas) {
  public ChunkLocation {
    replicas = List.copyOf(replicas);
  }

  public void encode(ByteBuf out) {
    out.writeInt(index);
    out.writeLong(handle);
    out.writeLong(version);
    out.writeLong(length);
    Codec.writeList(out, replicas, (b, n) -> n.encode(b));
  }

  public static ChunkLocation decode(ByteBuf in) {
    return new ChunkLocation(Codec.readInt(in, 0, Integer.MAX_VALUE, "chunk index"),
        Codec.readLong(in), Codec.readLong(in), Codec.readNonNegativeLong(in, "chunk length"),
        Codec.readList(in, NodeAddress.MIN_BYTES, NodeAddress::decode));
  }
}
