package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource(
      delimiter = '|',
      value = {
        "0                    | 0",
        "123                  | 123",
        "123B                 | 123",
        "1KiB                 | 1024",
        "64MiB                | 67108864",
        "1GiB                 | 1073741824",
        "1TiB                 | 1099511627776",
        "1KB                  | 1000",
        "500MB                | 500000000",
        "2GB                  | 2000000000",
        "3TB                  | 3000000000000",
        "'64 MiB'             | 67108864",
        "'  8KiB  '           | 8192",
        "1.5GiB               | 1610612736",
        "0.5KiB               | 512",
        "2.0                  | 2",
        "1.25KB               | 1250",
        "00064MiB             | 67108864",
        "9223372036854775807  | 9223372036854775807",
        "8388607TiB           | 9223370937343148032",
      })
  void parsesValidSizes(String text, long bytes) {
    assertEquals(bytes, Sizes.parse(text));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "64XB   | invalid size \"64XB\": unknown unit \"XB\"; expected one of B, KiB, MiB, GiB, TiB,"
            + " KB, MB, GB, TB",
        "64mib  | invalid size \"64mib\": unknown unit \"mib\" — did you mean MiB?",
        "64gb   | invalid size \"64gb\": unknown unit \"gb\" — did you mean GB?",
        "64k    | invalid size \"64k\": unknown unit \"k\" — did you mean KiB or KB?",
        "64K    | invalid size \"64K\": unknown unit \"K\" — did you mean KiB or KB?",
        "64Mi   | invalid size \"64Mi\": unknown unit \"Mi\" — did you mean MiB?",
        "-1     | invalid size \"-1\": expected a size of 0 or more, not a negative one",
        "-64MiB | invalid size \"-64MiB\": expected a size of 0 or more, not a negative one",
        "1.3B   | invalid size \"1.3B\": expected a whole number of bytes",
        "1.5    | invalid size \"1.5\": expected a whole number of bytes",
        "0.1KiB | invalid size \"0.1KiB\": expected a whole number of bytes",
        "9223372036854775808 | invalid size \"9223372036854775808\": expected at most"
            + " 9223372036854775807 bytes",
        "8388608TiB | invalid size \"8388608TiB\": expected at most 9223372036854775807 bytes",
        "MiB    | invalid size \"MiB\": expected a number with an optional unit, e.g. 64MiB or"
            + " 1.5GiB",
      })
  void rejectsInvalidSizesWithOneLineMessages(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "   ", "+5", "1,000", "1_000", "1.MiB", ".5MiB", "64MiB/s", "6 4MiB",
      "0x10", "1e3", "١٢"})
  void rejectsMalformedSizes(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    assertEquals(
        "invalid size " + Messages.quote(text)
            + ": expected a number with an optional unit, e.g. 64MiB or 1.5GiB",
        e.getMessage());
  }

  @Test
  void rejectsAbsurdlyLongNumbers() {
    String text = "1" + "0".repeat(100) + "B";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    assertEquals(
        "invalid size \"" + text.substring(0, 77) + "...\": expected at most 64 digits",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0} bytes = {1}")
  @CsvSource({
    "0, 0B",
    "123, 123B",
    "1023, 1023B",
    "1024, 1KiB",
    "1000, 1KB",
    "67108864, 64MiB",
    "1610612736, 1.5GiB",
    "1073741824, 1GiB",
    "1099511627776, 1TiB",
    "1000000000, 1GB",
    "65536, 64KiB",
    "1572864, 1.5MiB",
    "67108865, 67108865B",
    "9223372036854775807, 9223372036854775807B",
    "-1024, -1KiB",
  })
  void formatsSizes(long bytes, String text) {
    assertEquals(text, Sizes.format(bytes));
  }

  @Test
  void formatRoundTripsThroughParse() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      long bytes =
          switch (i % 4) {
            case 0 -> random.nextLong(0, Long.MAX_VALUE);
            case 1 -> random.nextLong(0, 1L << 20);
            case 2 -> random.nextLong(0, 1L << 20) * Sizes.KIB;
            default -> random.nextLong(0, 1000) * 1_000_000L;
          };
      assertEquals(bytes, Sizes.parse(Sizes.format(bytes)), () -> "round trip of " + bytes);
    }
    assertEquals(Long.MAX_VALUE, Sizes.parse(Sizes.format(Long.MAX_VALUE)));
  }

  @Test
  void unitConstantsArePowersOfTwo() {
    assertEquals(1024L, Sizes.KIB);
    assertEquals(1024L * 1024, Sizes.MIB);
    assertEquals(1024L * 1024 * 1024, Sizes.GIB);
    assertEquals(1024L * 1024 * 1024 * 1024, Sizes.TIB);
  }
}
