package dev.granary.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.IntegrityException;
import dev.granary.client.InternalException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.UnavailableException;
import dev.granary.http.HttpError;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static void maps(int status, String code, GranaryException e) {
    HttpError h = Failures.of(e);
    assertEquals(status, h.status().code(), e.toString());
    assertEquals(code, h.code(), e.toString());
    assertEquals(e.getMessage(), h.getMessage());
  }

  @Test
  void eachClientFailureHasItsStatus() {
    maps(404, "NOT_FOUND", new NotFoundException("/a: no such file or directory"));
    maps(409, "CONFLICT", new AlreadyExistsException("/a: file exists"));
    maps(403, "FORBIDDEN", new DeniedException("/a: permission denied"));
    maps(400, "BAD_REQUEST", new InvalidArgumentException("/a: bad"));
    maps(400, "BAD_REQUEST", new InvalidArgumentException(InvalidArgumentException.Kind.NOT_EMPTY,
        "/a: directory not empty", null));
    maps(503, "SERVICE_UNAVAILABLE", new UnavailableException("master down"));
    maps(503, "CORRUPT", new IntegrityException("/a: no good replica"));
    maps(500, "INTERNAL_SERVER_ERROR", new InternalException("boom", null));
  }

  @Test
  void aStreamsFailureIsUnwrapped() {
    NotFoundException nf = new NotFoundException("/a: gone");
    assertSame(nf, Failures.unwrap(new GranaryIOException(nf)));
    assertSame(nf, Failures.unwrap(nf));
    assertNull(Failures.unwrap(new IOException("disk")));
  }
}
