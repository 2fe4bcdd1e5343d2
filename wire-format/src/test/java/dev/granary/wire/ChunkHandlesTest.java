package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkHandlesTest {
  @Test
  void formatIsSixteenLowercaseHexDigits() {
    assertEquals("0000000000000000", ChunkHandles.format(0));
    assertEquals("00000000000000ff", ChunkHandles.format(255));
    assertEquals("ffffffffffffffff", ChunkHandles.format(-1));
    assertEquals("8000000000000000", ChunkHandles.format(Long.MIN_VALUE));
    assertEquals("0123456789abcdef", ChunkHandles.format(0x0123456789abcdefL));
  }

  @Test
  void parseRoundTripsEveryHandle() {
    Random r = new Random(3);
    long[] edge = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};
    for (long h : edge) {
      assertEquals(h, ChunkHandles.parse(ChunkHandles.format(h)));
    }
    for (int i = 0; i < 10_000; i++) {
      long h = r.nextLong();
      String s = ChunkHandles.format(h);
      assertTrue(s.matches("[0-9a-f]{16}"), s);
      assertEquals(h, ChunkHandles.parse(s));
    }
    assertEquals(0xABCDEFL, ChunkHandles.parse("0000000000ABCDEF"));
  }

  @Test
  void parseRefusesAnythingButSixteenHexDigits() {
    for (String bad : new String[] {"", "0", "000000000000000", "00000000000000000",
        "000000000000000g", "+123456789abcdef", "-123456789abcdef", " 123456789abcdef",
        "0x23456789abcdef", "\uff10123456789abcde"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ChunkHandles.parse(bad), bad);
      assertTrue(e.getMessage().contains("expected 16 hex digits"), e.getMessage());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
