package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** A file's entry and chunk locations. {@code locationsComplete} is false while the master is still rebuilding replica locations from chunkserver reports after a restart; a reader must then wait and retry rather than conclude a chunk is missing. */
public record LookupResponse(FileEntry file, List<ChunkLocation> chunks, boolean locationsComplete) implements Message {
  public LookupResponse {
    chunks = List.copyOf(chunks);
  }

  @Override
  public MessageType type() {
    return MessageType.LOOKUP_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    file.encode(out);
    Codec.writeList(out, chunks, (b, c) -> c.encode(b));
    Codec.writeBoolean(out, locationsComplete);
  }

  public static LookupResponse decode(ByteBuf in) {
    return new LookupResponse(FileEntry.decode(in),
        Codec.readList(in, ChunkLocation.MIN_BYTES, ChunkLocation::decode), Codec.readBoolean(in));
  }
}
