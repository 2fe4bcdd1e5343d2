package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** Health of the chunks under a path. {@code status} is HEALTHY, DEGRADED or CORRUPT; {@code votes} counts majority-vote decisions since the master started; {@code problems} lists (a bounded number of) one-line findings; {@code deletionsHeld} counts replica deletions held for an operator; {@code readOnly}: the master cannot write its operation log and refuses mutations. */
public record FsckResponse(long files, long chunks, long healthy, long underReplicated, long overReplicated, long corrupt, long missing, long votes, long replicationQueue, boolean locationsComplete, String status, List<String> problems, long deletionsHeld, boolean readOnly) implements Message {
  public FsckResponse {
    problems = List.copyOf(problems);
  }

  /** A writable master's report (readOnly false). */
  public FsckResponse(long files, long chunks, long healthy, long underReplicated, long overReplicated, long corrupt, long missing, long votes, long replicationQueue, boolean locationsComplete, String status, List<String> problems, long deletionsHeld) {
    this(files, chunks, healthy, underReplicated, overReplicated, corrupt, missing, votes, replicationQueue, locationsComplete, status, problems, deletionsHeld, false);
  }

  /** This report with {@code readOnly} set as given. */
  public FsckResponse withReadOnly(boolean readOnly) {
    return new FsckResponse(files, chunks, healthy, underReplicated, overReplicated, corrupt, missing, votes, replicationQueue, locationsComplete, status, problems, deletionsHeld, readOnly);
  }

  @Override
  public MessageType type() {
    return MessageType.FSCK_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(files);
    out.writeLong(chunks);
    out.writeLong(healthy);
    out.writeLong(underReplicated);
    out.writeLong(overReplicated);
    out.writeLong(corrupt);
    out.writeLong(missing);
    out.writeLong(votes);
    out.writeLong(replicationQueue);
    Codec.writeBoolean(out, locationsComplete);
    Codec.writeString(out, status);
    Codec.writeStrings(out, problems);
    out.writeLong(deletionsHeld);
    Codec.writeBoolean(out, readOnly);
  }

  public static FsckResponse decode(ByteBuf in) {
    return new FsckResponse(Codec.readLong(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readLong(in), Codec.readLong(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readLong(in), Codec.readLong(in), Codec.readBoolean(in), Codec.readString(in),
        Codec.readStrings(in), Codec.readLong(in), Codec.readBoolean(in));
  }
}
