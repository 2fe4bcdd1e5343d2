package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.IntegrityException;
import dev.granary.client.InternalException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.UnavailableException;
import dev.granary.client.UncheckedGranaryException;
import dev.granary.config.ConfigException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI, not the library, owns the contract's exit codes: one per failure type. */
class FailuresTest {
  private static final Map<GranaryException, Integer> CODES = Map.of(
      new InternalException("bug"), Failures.INTERNAL,
      new InvalidArgumentException("bad"), Failures.USAGE,
      new InvalidArgumentException(InvalidArgumentException.Kind.NOT_EMPTY, "/d: not empty", null),
      Failures.USAGE,
      new NotFoundException("/a: no such file or directory"), Failures.NOT_FOUND,
      new UnavailableException("master down"), Failures.UNAVAILABLE,
      new IntegrityException("/f: every replica corrupt"), Failures.INTEGRITY,
      new AlreadyExistsException("/f: file exists"), Failures.EXISTS,
      new DeniedException("not a superuser"), Failures.DENIED);

  @Test
  void everyLibraryFailureTypeHasItsContractCodeAlsoWhenWrapped() {
    CODES.forEach((e, code) -> {
      assertEquals(code, Failures.exitCode(e), e.toString());
      assertEquals(code, Failures.exitCode(new GranaryIOException(e)), "stream: " + e);
      assertEquals(code, Failures.exitCode(new UncheckedGranaryException(e)), "listing: " + e);
    });
    assertEquals(7, Failures.DENIED);
    assertEquals(3, Failures.NOT_FOUND);
  }

  @Test
  void localAndUsageFailuresMapByType() {
    assertEquals(Failures.NOT_FOUND, Failures.exitCode(new NoSuchFileException("/tmp/x")));
    assertEquals(Failures.EXISTS, Failures.exitCode(new FileAlreadyExistsException("/tmp/x")));
    assertEquals(Failures.DENIED, Failures.exitCode(new AccessDeniedException("/tmp/x")));
    assertEquals(Failures.USAGE, Failures.exitCode(new ConfigException("bad key")));
    assertEquals(Failures.USAGE, Failures.exitCode(new CliException(Failures.USAGE, "usage")));
    assertEquals(Failures.INTERNAL, Failures.exitCode(new IllegalStateException("bug")));
  }

  @Test
  void anInternalFailureSaysSoAndTheOthersKeepTheirOneLine() {
    assertEquals("internal error: dev.granary.client.InternalException: bug (run with -v for"
        + " details)", Failures.message(new InternalException("bug")));
    assertEquals("/a: no such file or directory",
        Failures.message(new UncheckedGranaryException(
            new NotFoundException("/a: no such file or directory"))));
  }
}
