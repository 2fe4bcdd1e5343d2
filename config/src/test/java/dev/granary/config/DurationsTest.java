package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10ms         | PT0.01S",
        "0ms          | PT0S",
        "0s           | PT0S",
        "1s           | PT1S",
        "1.5s         | PT1.5S",
        "0.5ms        | PT0.0005S",
        "0.000001ms   | PT0.000000001S",
        "2m           | PT2M",
        "1.5m         | PT1M30S",
        "1h           | PT1H",
        "7d           | PT168H",
        "'10 s'       | PT10S",
        "'  30s '     | PT30S",
        "0010s        | PT10S",
        "106751d      | PT2562024H",
      })
  void parsesValidDurations(String text, String iso) {
    assertEquals(Duration.parse(iso), Durations.parse(text));
  }

  @Test
  void acceptsTheLargestDuration() {
    assertEquals(Durations.MAX, Durations.parse(Long.MAX_VALUE / 1_000_000 + ".775807ms"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "30     | invalid duration \"30\": a unit is required; expected one of ms, s, m, h, d after"
            + " the number, e.g. 30s",
        "1.5    | invalid duration \"1.5\": a unit is required; expected one of ms, s, m, h, d after"
            + " the number, e.g. 1.5s",
        "-1s    | invalid duration \"-1s\": expected a duration of 0 or more, not a negative one",
        "10S    | invalid duration \"10S\": unknown unit \"S\" — did you mean s?",
        "10MS   | invalid duration \"10MS\": unknown unit \"MS\" — did you mean ms?",
        "10sec  | invalid duration \"10sec\": unknown unit \"sec\" — did you mean s?",
        "5min   | invalid duration \"5min\": unknown unit \"min\" — did you mean m?",
        "2Hours | invalid duration \"2Hours\": unknown unit \"Hours\" — did you mean h?",
        "1y     | invalid duration \"1y\": unknown unit \"y\"; expected one of ms, s, m, h, d",
        "10ns   | invalid duration \"10ns\": unknown unit \"ns\"; expected one of ms, s, m, h, d",
        "0.0000001ms | invalid duration \"0.0000001ms\": expected a whole number of nanoseconds",
        "106752d | invalid duration \"106752d\": expected a duration of at most 292 years",
        "1h30m  | invalid duration \"1h30m\": expected a number and a unit, e.g. 500ms, 10s or 1.5h",
      })
  void rejectsInvalidDurationsWithOneLineMessages(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", " ", "s", "+1s", "1.s", ".5s", "1,5s", "PT1S", "1 s s"})
  void rejectsMalformedDurations(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals(
        "invalid duration " + Messages.quote(text)
            + ": expected a number and a unit, e.g. 500ms, 10s or 1.5h",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "PT0S, 0s",
    "PT0.01S, 10ms",
    "PT0.1S, 100ms",
    "PT1S, 1s",
    "PT1.5S, 1.5s",
    "PT1.001S, 1.001s",
    "PT1.0001S, 1000.1ms",
    "PT30S, 30s",
    "PT1M30S, 1.5m",
    "PT1H, 1h",
    "PT36H, 1.5d",
    "PT168H, 7d",
    "PT0.000000001S, 0.000001ms",
    "PT-1S, -1s",
  })
  void formatsDurations(String iso, String text) {
    assertEquals(text, Durations.format(Duration.parse(iso)));
  }

  @Test
  void formatRoundTripsThroughParse() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      Duration duration =
          switch (i % 3) {
            case 0 -> Duration.ofNanos(random.nextLong(0, Long.MAX_VALUE));
            case 1 -> Duration.ofMillis(random.nextLong(0, 100_000_000));
            default -> Duration.ofSeconds(random.nextLong(0, 10_000_000));
          };
      assertEquals(
          duration, Durations.parse(Durations.format(duration)), () -> "round trip of " + duration);
    }
    assertEquals(Durations.MAX, Durations.parse(Durations.format(Durations.MAX)));
  }
}
