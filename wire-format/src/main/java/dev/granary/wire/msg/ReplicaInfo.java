package dev.granary.wire.msg;

import io.netty.buffer.ByteBuf;

/** One replica as a chunkserver reports it: handle, version, length and content digest. */
public record ReplicaInfo(long handle, long version, long length, long digest) {
  static final int BYTES = 32;

  public void encode(ByteBuf out) {
    out.writeLong(handle);
    out.writeLong(version);
    out.writeLong(length);
    out.writeLong(digest);
  }

  public static ReplicaInfo decode(ByteBuf in) {
    return new ReplicaInfo(Codec.readLong(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "replica length"), Codec.readLong(in));
  }
}
