package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/**
 * Asks for a file's entry and the locations of up to {@code maxChunks} of its chunks from index
 * {@code firstChunk}: of its current contents ({@code version} 0), or of kept version
 * {@code version} (see {@link VersionsResponse}), whose entry then has that version's size and
 * chunk count.
 */
public record LookupRequest(String path, int firstChunk, int maxChunks, long version)
    implements Message {
  /** The {@code version} that means the file's current contents. */
  public static final long CURRENT = 0;

  /** A lookup of the file's current contents. */
  public LookupRequest(String path, int firstChunk, int maxChunks) {
    this(path, firstChunk, maxChunks, CURRENT);
  }

  @Override
  public MessageType type() {
    return MessageType.LOOKUP_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    out.writeInt(firstChunk);
    out.writeInt(maxChunks);
    out.writeLong(version);
  }

  public static LookupRequest decode(ByteBuf in) {
    return new LookupRequest(Codec.readString(in),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "first chunk"),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "max chunks"),
        Codec.readNonNegativeLong(in, "version"));
  }
}
