package dev.granary.wire.msg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.security.TokenKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The master's largest lookup reply must fit in one control frame, or the lookup fails. */
class LookupResponseSizeTest {
  @Test
  void aFullBatchOfThreeReplicaLocationsFitsInAControlFrame() {
    TokenKey key = new TokenKey(1, new byte[TokenKey.SECRET_BYTES], Long.MAX_VALUE);
    String host = "chunkserver-0017.rack-03.dc1.example.com"; // 40 bytes
    List<NodeAddress> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // Chunkserver ids as nodes make them: "cs-" and a UUID.
      replicas.add(new NodeAddress("cs-" + UUID.randomUUID(), host, 7000 + i));
    }
    Sha256 sha = new Sha256(-1, -1, -1, -1);
    List<ChunkLocation> locs = new ArrayList<>();
    for (int i = 0; i < Limits.MAX_LOOKUP_CHUNKS; i++) {
      ChunkToken read = ChunkToken.sign(key, i, ChunkAccess.bits(ChunkAccess.READ),
          "u".repeat(32), Long.MAX_VALUE);
      locs.add(new ChunkLocation(i, i, 1, 64L << 20, replicas, read, sha));
    }
    FileEntry file = new FileEntry("/" + "p".repeat(Limits.MAX_PATH_BYTES - 1), false,
        Long.MAX_VALUE, 0, 3, 64L << 20, Integer.MAX_VALUE, "u".repeat(32), "g".repeat(32), 0644);
    ByteBuf b = Unpooled.buffer();
    try {
      new LookupResponse(file, locs, true).encode(b);
      assertTrue(b.readableBytes() <= Limits.MAX_CONTROL_PAYLOAD, b.readableBytes()
          + " bytes for " + Limits.MAX_LOOKUP_CHUNKS + " locations");
    } finally {
      b.release();
    }
  }
}
