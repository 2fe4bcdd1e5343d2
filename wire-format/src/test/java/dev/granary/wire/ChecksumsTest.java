package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
  private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

  @Test
  void crc32cOfTheStandardCheckString() {
    // The CRC-32C (Castagnoli) check value from the catalogue of CRC parameters.
    assertEquals(0xE3069283, Checksums.crc32c(CHECK, 0, CHECK.length));
    assertEquals(0xE3069283, Checksums.crc32c(ByteBuffer.wrap(CHECK)));
    ByteBuf buf = Unpooled.wrappedBuffer(CHECK);
    assertEquals(0xE3069283, Checksums.crc32c(buf));
    assertEquals(0, buf.readerIndex(), "indices untouched");
  }

  @Test
  void emptyInputHasCrcZero() {
    assertEquals(0, Checksums.crc32c(new byte[0], 0, 0));
    assertEquals(0, Checksums.crc32c(Unpooled.EMPTY_BUFFER));
  }

  @Test
  void allThreeFormsAgreeIncludingCompositeBuffers() {
    byte[] data = new byte[3 * 1000 + 17];
    new Random(1).nextBytes(data);
    int expected = Checksums.crc32c(data, 0, data.length);
    CompositeByteBuf composite = Unpooled.compositeBuffer();
    composite.addComponents(true, Unpooled.wrappedBuffer(data, 0, 1000),
        Unpooled.wrappedBuffer(data, 1000, 2000), Unpooled.wrappedBuffer(data, 3000, 17));
    try {
      assertEquals(expected, Checksums.crc32c(composite));
      assertEquals(expected, Checksums.crc32c(ByteBuffer.wrap(data)));
      ByteBuf direct = Unpooled.directBuffer(data.length).writeBytes(data);
      assertEquals(expected, Checksums.crc32c(direct));
      direct.release();
    } finally {
      composite.release();
    }
    assertEquals(Checksums.crc32c(data, 5, 10),
        Checksums.crc32c(Unpooled.wrappedBuffer(data).skipBytes(5).slice(5, 10)));
  }

  @Test
  void blockCount() {
    assertEquals(0, Checksums.blockCount(0));
    assertEquals(1, Checksums.blockCount(1));
    assertEquals(1, Checksums.blockCount(Limits.BLOCK_SIZE));
    assertEquals(2, Checksums.blockCount(Limits.BLOCK_SIZE + 1));
    assertEquals(1024, Checksums.blockCount(64L << 20));
    assertEquals(1025, Checksums.blockCount((64L << 20) + 1));
  }

  @Test
  void digestChangesWhenAnyBlockCrcOrTheLengthChanges() {
    Random r = new Random(7);
    int[] crcs = new int[64];
    for (int i = 0; i < crcs.length; i++) {
      crcs[i] = r.nextInt();
    }
    long length = 63L * Limits.BLOCK_SIZE + 5;
    long base = Checksums.digest(length, crcs, crcs.length);
    assertEquals(base, Checksums.digest(length, crcs.clone(), crcs.length), "deterministic");
    Set<Long> seen = new HashSet<>();
    seen.add(base);
    for (int i = 0; i < crcs.length; i++) {
      for (int bit = 0; bit < 32; bit += 7) {
        int[] changed = crcs.clone();
        changed[i] ^= 1 << bit;
        long d = Checksums.digest(length, changed, changed.length);
        assertNotEquals(base, d, "block " + i + " bit " + bit);
        seen.add(d);
      }
    }
    assertNotEquals(base, Checksums.digest(length + 1, crcs, crcs.length));
    assertNotEquals(base, Checksums.digest(length, crcs, crcs.length - 1));
    // Swapping two blocks is a different replica too.
    int[] swapped = crcs.clone();
    swapped[0] = crcs[1];
    swapped[1] = crcs[0];
    assertNotEquals(base, Checksums.digest(length, swapped, swapped.length));
    assertEquals(1 + crcs.length * 5, seen.size(), "no two changes collide");
  }

  @Test
  void digestUsesOnlyTheFirstCountCrcs() {
    int[] crcs = {1, 2, 3, 99};
    assertEquals(Checksums.digest(10, new int[] {1, 2, 3}, 3), Checksums.digest(10, crcs, 3));
  }

  @Test
  void digestOfAKnownReplicaIsPinned() {
    // Every node must compute the same digest, in every version, for majority voting. The value
    // was computed independently: CRC32C and CRC32 of the bytes 0000000000000009 e3069283.
    int crc = Checksums.crc32c(CHECK, 0, CHECK.length);
    long d = Checksums.digest(CHECK.length, new int[] {crc}, 1);
    assertEquals("3943df0781440c78", Checksums.formatDigest(d));
    assertEquals("0000000000000000", Checksums.formatDigest(0));
  }
}
