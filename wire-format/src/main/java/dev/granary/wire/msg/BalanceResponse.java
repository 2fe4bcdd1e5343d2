package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The balance of the chunkservers' disk usage: the threshold in force (a pass's, or the
 * configured one), the cluster's used and capacity bytes over the nodes that hold data for good
 * (live, not decommissioning), each such node's, whether every one is within the threshold of the
 * cluster's used fraction, and the balancer's moves: in flight, and bytes moved since the master
 * started.
 *
 * @param passRunning whether a pass an operator started is still running
 */
public record BalanceResponse(int thresholdPct, boolean passRunning, long usedBytes,
    long capacityBytes, boolean balanced, int movesInFlight, long bytesMoved,
    List<NodeUsage> nodes) implements Message {

  /** One chunkserver's disk usage as the balancer sees it. */
  public record NodeUsage(String node, long usedBytes, long capacityBytes) {}

  public BalanceResponse {
    nodes = List.copyOf(nodes);
  }

  @Override
  public MessageType type() {
    return MessageType.BALANCE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeInt(thresholdPct);
    Codec.writeBoolean(out, passRunning);
    out.writeLong(usedBytes);
    out.writeLong(capacityBytes);
    Codec.writeBoolean(out, balanced);
    out.writeInt(movesInFlight);
    out.writeLong(bytesMoved);
    Codec.writeList(out, nodes, (o, n) -> {
      Codec.writeString(o, n.node());
      o.writeLong(n.usedBytes());
      o.writeLong(n.capacityBytes());
    });
  }

  public static BalanceResponse decode(ByteBuf in) {
    return new BalanceResponse(Codec.readInt(in, 0, BalanceRequest.MAX_THRESHOLD_PCT,
        "threshold"), Codec.readBoolean(in), Codec.readNonNegativeLong(in, "used bytes"),
        Codec.readNonNegativeLong(in, "capacity bytes"), Codec.readBoolean(in),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "moves in flight"),
        Codec.readNonNegativeLong(in, "bytes moved"),
        Codec.readList(in, 2 + 16, i -> new NodeUsage(Codec.readString(i),
            Codec.readNonNegativeLong(i, "node used bytes"),
            Codec.readNonNegativeLong(i, "node capacity bytes"))));
  }
}
