package dev.granary.gateway;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.IntegrityException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.UnavailableException;
import dev.granary.http.HttpError;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The one place a client failure becomes an HTTP status: not found 404, exists 409, denied 403,
 * invalid 400, unavailable (and no good replica left) 503; credentials that are missing or no
 * longer valid are 401 with {@code WWW-Authenticate: Bearer}.
 */
final class Failures {
  static final String REALM = "Bearer realm=\"granary\"";

  private Failures() {}

  /** The HTTP error of {@code e}; a denial here is a 403 (see {@link #unauthorized}). */
  static HttpError of(GranaryException e) {
    String m = e.getMessage();
    if (e instanceof NotFoundException) {
      return new HttpError(HttpResponseStatus.NOT_FOUND, m);
    }
    if (e instanceof AlreadyExistsException) {
      return new HttpError(HttpResponseStatus.CONFLICT, m);
    }
    if (e instanceof DeniedException) {
      return new HttpError(HttpResponseStatus.FORBIDDEN, m);
    }
    if (e instanceof InvalidArgumentException) {
      return new HttpError(HttpResponseStatus.BAD_REQUEST, m);
    }
    if (e instanceof UnavailableException) {
      return new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, m);
    }
    if (e instanceof IntegrityException) {
      // No replica holds good bytes: nothing the caller can fix; retry once the cluster repaired.
      return new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "CORRUPT", m);
    }
    return new HttpError(HttpResponseStatus.INTERNAL_SERVER_ERROR, m);
  }

  /** The client failure a stream's exception carries, or null if it is a plain I/O failure. */
  static GranaryException unwrap(Throwable t) {
    if (t instanceof GranaryIOException io) {
      return io.granaryCause();
    }
    return t instanceof GranaryException g ? g : null;
  }

  /** 401: the request carries no usable credentials. */
  static HttpError unauthorized(String message, boolean invalidToken) {
    return new HttpError(HttpResponseStatus.UNAUTHORIZED, message)
        .withHeader(HttpHeaderNames.WWW_AUTHENTICATE,
            invalidToken ? REALM + ", error=\"invalid_token\"" : REALM);
  }

  /** 400 naming a bad query parameter. */
  static HttpError badRequest(String message) {
    return new HttpError(HttpResponseStatus.BAD_REQUEST, message);
  }
}
