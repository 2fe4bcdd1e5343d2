package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The master's answer to a lease renewal: how often to renew ({@code renewPeriodMillis}), how long
 * a lease lasts unrenewed ({@code leaseTimeoutMillis}), and the renewal's handles the master no
 * longer keeps for this client ({@code releasedHandles}: its lease had expired, or the handle was
 * never allocated to it), whose uploads cannot commit and must be written again.
 */
public record RenewLeaseResponse(long renewPeriodMillis, long leaseTimeoutMillis,
    List<Long> releasedHandles) implements Message {
  public RenewLeaseResponse {
    releasedHandles = List.copyOf(releasedHandles);
  }

  @Override
  public MessageType type() {
    return MessageType.RENEW_LEASE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(renewPeriodMillis);
    out.writeLong(leaseTimeoutMillis);
    Codec.writeLongs(out, releasedHandles);
  }

  public static RenewLeaseResponse decode(ByteBuf in) {
    return new RenewLeaseResponse(Codec.readNonNegativeLong(in, "renew period"),
        Codec.readNonNegativeLong(in, "lease timeout"), Codec.readLongs(in));
  }
}
