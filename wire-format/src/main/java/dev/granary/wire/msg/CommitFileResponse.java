package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;
import java.time.Duration;


/**
 * The committed file, and the spare allocation the request asked for (null if it asked for none or
 * the master could not place one; never repeated in the answer to a retried commit).
 */
public record CommitFileResponse(FileEntry file, AllocateChunkResponse spare) implements Message {
  /**
   * A client writes to a spare allocation only within this long of receiving it, or never: so a
   * change of where new chunks may go (a chunkserver being decommissioned) holds for every write
   * begun this long after the master made it.
   */
  public static final Duration SPARE_MAX_AGE = Duration.ofSeconds(1);

  /** An answer without a spare allocation. */
  public CommitFileResponse(FileEntry file) {
    this(file, null);
  }

  @Override
  public MessageType type() {
    return MessageType.COMMIT_FILE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    file.encode(out);
    Codec.writeBoolean(out, spare != null);
    if (spare != null) {
      spare.encode(out);
    }
  }

  public static CommitFileResponse decode(ByteBuf in) {
    FileEntry file = FileEntry.decode(in);
    return new CommitFileResponse(file, Codec.readBoolean(in) ? AllocateChunkResponse.decode(in)
        : null);
  }
}
