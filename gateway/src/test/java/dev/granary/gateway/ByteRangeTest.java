package dev.granary.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {
  private static ByteRange parse(String h, long size) throws ByteRange.Unsatisfiable {
    return ByteRange.parse(h, size);
  }

  @Test
  void theThreeFormsOfOneRange() throws Exception {
    assertEquals(new ByteRange(10, 19), parse("bytes=10-19", 100));
    assertEquals(new ByteRange(90, 99), parse("bytes=90-", 100));
    assertEquals(new ByteRange(70, 99), parse("bytes=-30", 100));
    assertEquals(new ByteRange(0, 0), parse("bytes=0-0", 100));
    assertEquals(10, parse("bytes=10-19", 100).length());
    assertEquals("bytes 10-19/100", parse("bytes=10-19", 100).contentRange(100));
  }

  @Test
  void rangesPastTheEndAreClipped() throws Exception {
    assertEquals(new ByteRange(95, 99), parse("bytes=95-1000", 100));
    assertEquals(new ByteRange(0, 99), parse("bytes=-1000", 100));
    assertEquals(new ByteRange(0, 99), parse("bytes=0-" + Long.MAX_VALUE, 100));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=5000-", "bytes=-0"})
  void startingAtOrPastTheEndIsUnsatisfiable(String h) {
    ByteRange.Unsatisfiable e = assertThrows(ByteRange.Unsatisfiable.class,
        () -> parse(h, 100));
    assertEquals(true, e.getMessage().contains("100-byte file"), e.getMessage());
  }

  @Test
  void anEmptyFileSatisfiesNoRange() {
    assertThrows(ByteRange.Unsatisfiable.class, () -> parse("bytes=0-", 0));
    assertThrows(ByteRange.Unsatisfiable.class, () -> parse("bytes=-5", 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bytes=", "bytes=-", "bytes=5-2", "bytes=0-1,5-6", "items=0-1",
      "bytes=a-b", "bytes = 0-1", "bytes=99999999999999999999-", "bytes=1-2-3"})
  void anythingElseIsIgnored(String h) throws Exception {
    assertNull(parse(h, 100), h);
  }

  @Test
  void noHeaderMeansTheWholeFile() throws Exception {
    assertNull(parse(null, 100));
  }
}
