package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Renews the write lease of {@code clientId} (GFS §3.1, HDFS leases): while it is renewed, the
 * chunks in {@code handles} (allocated to this client and not yet committed) are kept as work in
 * progress however long the upload takes. Listing the handles lets a restarted master re-learn
 * them. Answered by {@link RenewLeaseResponse}.
 */
public record RenewLeaseRequest(String clientId, List<Long> handles) implements Message {
  public RenewLeaseRequest {
    handles = List.copyOf(handles);
  }

  @Override
  public MessageType type() {
    return MessageType.RENEW_LEASE_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    Codec.writeLongs(out, handles);
  }

  public static RenewLeaseRequest decode(ByteBuf in) {
    return new RenewLeaseRequest(Codec.readString(in), Codec.readLongs(in));
  }
}
