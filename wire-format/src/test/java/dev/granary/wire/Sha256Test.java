package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
  @Test
  void knownDigestRoundTripsThroughLongsBytesAndHex() {
    // sha256("abc"), FIPS 180-2 appendix B.1.
    String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    Sha256 d = Sha256.of(Sha256.newDigest().digest("abc".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(abc, d.hex());
    assertEquals(0xba7816bf8f01cfeaL, d.a());
    assertEquals(0xb410ff61f20015adL, d.d());
    assertEquals(d, Sha256.parse(abc));
    assertArrayEquals(d.bytes(), Sha256.parse(abc.toUpperCase()).bytes());
    assertFalse(d.isNone());
  }

  @Test
  void noneIsAllZeroAndBadInputIsRefused() {
    assertTrue(Sha256.NONE.isNone());
    assertEquals("none", Sha256.NONE.toString());
    assertThrows(IllegalArgumentException.class, () -> Sha256.parse("abc"));
    assertThrows(IllegalArgumentException.class, () -> Sha256.parse("z".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> Sha256.of(new byte[31]));
  }
}
