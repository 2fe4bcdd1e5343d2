package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * Asks how balanced the chunkservers' disk usage is, and with {@code start} (superuser only)
 * starts a balancing pass now, with {@code thresholdPct} percentage points instead of the
 * master's {@code balanceThreshold} when it is not 0, until every node is within it. Answered by
 * {@link BalanceResponse}.
 */
public record BalanceRequest(int thresholdPct, boolean start) implements Message {
  /** The most a threshold may be, in percentage points. */
  public static final int MAX_THRESHOLD_PCT = 100;

  public BalanceRequest {
    if (thresholdPct < 0 || thresholdPct > MAX_THRESHOLD_PCT) {
      throw new IllegalArgumentException("threshold " + thresholdPct
          + " outside 0.." + MAX_THRESHOLD_PCT);
    }
  }

  @Override
  public MessageType type() {
    return MessageType.BALANCE_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeInt(thresholdPct);
    Codec.writeBoolean(out, start);
  }

  public static BalanceRequest decode(ByteBuf in) {
    return new BalanceRequest(Codec.readInt(in, 0, MAX_THRESHOLD_PCT, "threshold"),
        Codec.readBoolean(in));
  }
}
