package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessagesTest {
  private static final List<String> KEYS =
      List.of("host", "port", "dataDir", "chunkSize", "replication", "minReplicas");

  @ParameterizedTest(name = "{0} vs {1} = {2}")
  @CsvSource({
    "'', '', 0",
    "'', abc, 3",
    "kitten, sitting, 3",
    "port, prot, 2",
    "chunkSize, chunkSize, 0",
    "flaw, lawn, 2",
  })
  void computesEditDistance(String a, String b, int distance) {
    assertEquals(distance, Messages.levenshtein(a, b));
    assertEquals(distance, Messages.levenshtein(b, a));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "chunksize, chunkSize",
    "CHUNKSIZE, chunkSize",
    "DataDir, dataDir",
    "replicaton, replication",
    "chunkSze, chunkSize",
    "prot, port",
    "hots, host",
    "minReplica, minReplicas",
  })
  void suggestsTheClosestCandidate(String input, String expected) {
    assertEquals(Optional.of(expected), Messages.closest(input, KEYS));
  }

  @Test
  void doesNotSuggestUnrelatedWords() {
    assertEquals(Optional.empty(), Messages.closest("foo", KEYS));
    assertEquals(Optional.empty(), Messages.closest("logging", KEYS));
    assertEquals(Optional.empty(), Messages.closest("x", KEYS));
    assertEquals(Optional.empty(), Messages.closest("p".repeat(1000), KEYS));
  }

  @Test
  void quotesValuesOnOneLine() {
    assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0000\"", Messages.quote("a\"b\\c\nd\te\u0000"));
    assertEquals("\"" + "x".repeat(77) + "...\"", Messages.quote("x".repeat(200)));
    assertEquals("a b c", Messages.oneLine("a\n  b\r\nc\n"));
  }

  @Test
  void configExceptionMessagesAreOneLine() {
    assertEquals("first second", new ConfigException("first\nsecond").getMessage());
  }
}
