package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PathLimitsTest {
  /** A path of {@code depth} one-letter components: 2 * depth bytes. */
  static String chain(int depth) {
    return "/a".repeat(depth);
  }

  private static void assertOneShortLine(String message) {
    assertTrue(message.lines().count() == 1 && message.indexOf('\r') < 0, message);
    assertTrue(message.length() < 260, () -> message.length() + " chars: " + message);
  }

  @Test
  void theLimitsFitThroughTheWire() {
    assertTrue(Limits.MAX_STRING_BYTES >= 2 * Limits.MAX_PATH_BYTES);
    assertTrue(Limits.MAX_NAME_BYTES < Limits.MAX_PATH_BYTES);
  }

  @Test
  void namesUpTo255BytesOfUtf8() {
    assertNull(PathLimits.problem("/d/" + "x".repeat(255)));
    String tooLong = PathLimits.problem("/d/" + "x".repeat(256) + "/f");
    assertTrue(tooLong.contains("256 bytes of UTF-8, over the limit of 255"), tooLong);
    assertTrue(tooLong.contains("name 'xxxx"), tooLong);
    assertOneShortLine(tooLong);
    // Bytes, not characters: 'é' is two bytes, '𝄞' four.
    assertNull(PathLimits.problem("/" + "é".repeat(127) + "x"));
    assertTrue(PathLimits.problem("/" + "é".repeat(128)).contains("256 bytes"));
    assertNull(PathLimits.problem("/" + "𝄞".repeat(63) + "xyz"));
    assertTrue(PathLimits.problem("/" + "𝄞".repeat(64)).contains("256 bytes"));
  }

  @Test
  void pathsUpTo4096BytesOfUtf8() {
    assertNull(PathLimits.problem(chain(2048)));
    String tooLong = PathLimits.problem(chain(2048) + "b");
    assertTrue(tooLong.contains("4097 bytes of UTF-8, over the limit of 4096"), tooLong);
    assertOneShortLine(tooLong);
    assertOneShortLine(PathLimits.problem("/" + "x".repeat(1 << 20)));
  }

  @Test
  void controlCharactersAreRefusedAndEscapedInTheMessage() {
    for (char c : new char[] {0, 1, '\t', '\n', '\r', 0x1b, 0x1f, 0x7f}) {
      String p = PathLimits.problem("/ok/bad" + c + "name/x");
      assertTrue(p != null && p.contains(String.format("U+%04X", (int) c)), p);
      assertTrue(p.contains(String.format("name 'bad\\u%04Xname'", (int) c)), p);
      assertOneShortLine(p);
    }
    // Only C0 and DEL are refused: other characters are names like any.
    for (String fine : List.of("/a b", "/\u0080", "/\u00a0", "/日本語", "/a\\b", "/~!@#$%")) {
      assertNull(PathLimits.problem(fine), fine);
    }
  }

  @Test
  void quoteCutsAndEscapes() {
    assertEquals("'/a/b'", PathLimits.quote("/a/b"));
    assertEquals("'a\\\\b'", PathLimits.quote("a\\b"));
    assertEquals("'x\\u000Ay\\u0085z\\u2028'", PathLimits.quote("x\ny\u0085z\u2028"));
    String cut = PathLimits.quote("q".repeat(1000));
    assertEquals("'" + "q".repeat(PathLimits.ECHO_CHARS) + "...'", cut);
    // A surrogate pair is never split.
    String pairs = PathLimits.quote("𝄞".repeat(100));
    assertEquals("'" + "𝄞".repeat(PathLimits.ECHO_CHARS) + "...'", pairs);
  }

  @Test
  void utf8LengthMatchesTheEncoder() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = r.nextInt(20); j > 0; j--) {
        sb.append((char) switch (r.nextInt(5)) {
          case 0 -> r.nextInt(0x80);
          case 1 -> 0x80 + r.nextInt(0x780);
          case 2 -> 0xd800 + r.nextInt(0x800); // surrogates, paired or not
          default -> 0x800 + r.nextInt(0xf7ff);
        });
      }
      String s = sb.toString();
      assertEquals(s.getBytes(StandardCharsets.UTF_8).length, PathLimits.utf8Length(s), s);
    }
  }
}
