package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Asks the master for a new chunk handle and a write pipeline of {@code replication} distinct live
 * chunkservers, none of them in {@code excludeNodeIds}; a {@code replication} of 0 lets the master
 * choose as for the file at {@code path} (the nearest directory policy's replication, else the
 * cluster's default). {@code path} is the file being written (for that, logs and placement).
 */
public record AllocateChunkRequest(String clientId, String path, int replication, List<String> excludeNodeIds) implements Message {
  public AllocateChunkRequest {
    excludeNodeIds = List.copyOf(excludeNodeIds);
  }

  @Override
  public MessageType type() {
    return MessageType.ALLOCATE_CHUNK_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    Codec.writeString(out, path);
    out.writeInt(replication);
    Codec.writeStrings(out, excludeNodeIds);
  }

  public static AllocateChunkRequest decode(ByteBuf in) {
    return new AllocateChunkRequest(Codec.readString(in), Codec.readString(in),
        Codec.readInt(in, 0, 255, "replication"), Codec.readStrings(in));
  }
}
