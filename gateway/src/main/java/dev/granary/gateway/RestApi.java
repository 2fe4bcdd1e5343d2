package dev.granary.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.client.DeniedException;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.JsonViews;
import dev.granary.http.HttpError;
import dev.granary.http.HttpExchange;
import dev.granary.http.HttpHandler;
import dev.granary.http.HttpHandler.BodyReceiver;
import dev.granary.http.HttpRoutes;
import dev.granary.http.Request;
import dev.granary.http.Router;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of the contract, JSON over the node's HTTP(S) listener:
 *
 * <pre>
 * GET    /api/v1/files/PATH                 the file's bytes; one Range honoured (206, or 416)
 * PUT    /api/v1/files/PATH[?overwrite=true] body = the bytes: 201 + the entry; exists: 409
 * DELETE /api/v1/files/PATH[?recursive=true] 204
 * GET    /api/v1/stat/PATH                  stat --json
 * GET    /api/v1/list/PATH                  ls --json
 * POST   /api/v1/mkdir/PATH                 parents made: 201 + the entry
 * POST   /api/v1/rename?from=P&amp;to=Q         200 + the entry at its new path
 * GET    /api/v1/cluster                    cluster --json
 * GET    /api/v1/fsck[/PATH]                fsck --json
 * </pre>
 *
 * <p>On a {@code tls} cluster every request carries {@code Authorization: Bearer TOKEN}, the token
 * of a credentials file, and is served by a Granary client authenticated with it (see {@link
 * Callers}), so the master checks permissions exactly as for the CLI. Errors are {@code
 * {"error","message"}} with 400, 401, 403, 404, 409, 416 or 503. Requests run on a bounded pool of
 * worker threads (one more is 503), never on the listener's event loops; at most {@link
 * Limits#maxUploads} uploads run at once, each holding at most the chunks its file's stream
 * buffers.
 */
public final class RestApi implements HttpRoutes {
  private static final Logger log = LoggerFactory.getLogger(RestApi.class);
  /** Where the API lives. */
  public static final String PREFIX = "/api/v1/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] NEWLINE = {'\n'};

  /**
   * What the gateway lets its callers use.
   *
   * @param maxClients callers (tokens) with a cached client at once
   * @param clientIdle a caller's client unused this long is closed
   * @param clientTimeout how long a client retries a master that does not answer
   * @param maxRequests requests served at once (each holds a worker thread); one more is 503
   * @param maxUploads uploads at once; one more is 503
   */
  public record Limits(int maxClients, Duration clientIdle, Duration clientTimeout,
      int maxRequests, int maxUploads) {
    /** @throws IllegalArgumentException if a limit is not positive */
    public Limits {
      if (maxClients < 1 || maxRequests < 1 || maxUploads < 1 || clientIdle.isNegative()
          || clientIdle.isZero() || clientTimeout.isNegative() || clientTimeout.isZero()) {
        throw new IllegalArgumentException("invalid REST limits " + this);
      }
    }

    /**
     * 64 callers idle out after 5 minutes; 64 requests, 4 of them uploads: an upload buffers up
     * to two chunks in direct memory (128 MiB at the default chunk size), so 4 stay within half
     * of the 1 GiB the launcher gives the master.
     */
    public static Limits defaults() {
      return new Limits(64, Duration.ofMinutes(5), Duration.ofSeconds(30), 64, 4);
    }
  }

  private final Supplier<Upstream> upstream;
  private final Limits limits;
  private final Callers callers;
  private final ThreadPoolExecutor workers;
  private final Semaphore uploads;

  /**
   * @param upstream the master to act on, asked once when the routes are added (the master's
   *     port and authority are known only once it is starting)
   */
  public RestApi(Supplier<Upstream> upstream, Limits limits) {
    this.upstream = memoize(upstream);
    this.limits = limits;
    this.callers = new Callers(this.upstream, limits.maxClients(), limits.clientIdle(),
        limits.clientTimeout());
    AtomicInteger threads = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(0, limits.maxRequests(), 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "granary-rest-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.uploads = new Semaphore(limits.maxUploads());
  }

  private static Supplier<Upstream> memoize(Supplier<Upstream> s) {
    return new Supplier<>() {
      private volatile Upstream value;

      @Override
      public Upstream get() {
        Upstream v = value;
        if (v == null) {
          v = s.get();
          value = v;
        }
        return v;
      }
    };
  }

  /**
   * Adds the routes. The master calls this as its listener starts, after it bound its RPC port:
   * the upstream is resolved here, once, so no request ever waits for the master's own state.
   */
  @Override
  public void addTo(Router.Builder router) {
    upstream.get();
    router.get(PREFIX + "files/", request((ex, c) -> {
      // A read may be served from the client's cached chunk locations without asking the
      // master: authenticate first, so a token revoked since is refused here too.
      c.whoAmI();
      Download.serve(ex, c, path(ex, "files/"));
      return null;
    }));
    router.put(PREFIX + "files/", this::upload);
    router.delete(PREFIX + "files/", request((ex, c) -> {
      c.delete(path(ex, "files/"), flag(ex.request(), "recursive"));
      ex.respond(HttpResponseStatus.NO_CONTENT, HttpHeaderValues.APPLICATION_JSON,
          Unpooled.EMPTY_BUFFER);
      return null;
    }));
    router.get(PREFIX + "stat/", request((ex, c) -> {
      String p = path(ex, "stat/");
      FileStatus st = c.stat(p);
      return JsonViews.stat(st, st.directory() ? List.of() : c.statWithChunks(p).chunks());
    }));
    HttpHandler list = request((ex, c) -> JsonViews.list(c.list(path(ex, "list/"))));
    router.get(PREFIX + "list/", list);
    router.get(PREFIX + "list", list);
    router.post(PREFIX + "mkdir/", request(HttpResponseStatus.CREATED,
        (ex, c) -> JsonViews.entry(c.mkdirs(path(ex, "mkdir/"), true))));
    router.post(PREFIX + "rename", request((ex, c) -> JsonViews.entry(
        c.rename(required(ex.request(), "from"), required(ex.request(), "to")))));
    router.get(PREFIX + "cluster", request((ex, c) -> JsonViews.cluster(c.clusterStatus())));
    HttpHandler fsck = request((ex, c) -> JsonViews.fsck(c.fsck(path(ex, "fsck/"))));
    router.get(PREFIX + "fsck", fsck);
    router.get(PREFIX + "fsck/", fsck);
  }

  /** What an endpoint added beside the API's own answers for its caller, as JSON. */
  @FunctionalInterface
  public interface JsonOperation {
    Object run(GranaryClient caller) throws GranaryException;
  }

  /**
   * A {@code GET} endpoint served as the API's own are (the caller's token checked, the work on a
   * worker thread, errors as {@code {"error","message"}}), answering {@code op}'s result as JSON:
   * for the dashboard's additions.
   */
  public HttpHandler json(JsonOperation op) {
    return request((ex, c) -> op.run(c));
  }

  /** One operation on behalf of the caller; returns the JSON body, or null if it answered. */
  @FunctionalInterface
  private interface Operation {
    Object run(HttpExchange exchange, GranaryClient client) throws GranaryException;
  }

  private HttpHandler request(Operation op) {
    return request(HttpResponseStatus.OK, op);
  }

  /** A request without a body, served on a worker: {@code op}'s JSON answered with {@code ok}. */
  private HttpHandler request(HttpResponseStatus ok, Operation op) {
    return exchange -> {
      String token = token(exchange.request());
      submit(exchange, () -> {
        Object body = call(exchange, token, op);
        if (body != null) {
          exchange.respond(ok, HttpHeaderValues.APPLICATION_JSON, json(body));
        }
      });
      return BodyReceiver.DISCARD;
    };
  }

  private BodyReceiver upload(HttpExchange exchange) {
    String token = token(exchange.request());
    String path = path(exchange, "files/");
    boolean overwrite = flag(exchange.request(), "overwrite");
    if (!uploads.tryAcquire()) {
      throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, limits.maxUploads()
          + " uploads are running, the most this server takes at once; retry later");
    }
    Upload upload;
    try {
      upload = new Upload(exchange);
      submit(exchange, () -> {
        try {
          FileStatus st = (FileStatus) call(exchange, token,
              (ex, c) -> upload.receive(c, path, overwrite));
          if (st != null) {
            exchange.respond(HttpResponseStatus.CREATED, HttpHeaderValues.APPLICATION_JSON,
                json(JsonViews.entry(st)));
          }
        } finally {
          uploads.release();
        }
      });
    } catch (RuntimeException e) {
      uploads.release();
      throw e;
    }
    return upload;
  }

  /**
   * Runs {@code op} with the caller's client. A denial is a 403 unless the caller's token is no
   * longer valid (revoked since its client was cached): then 401.
   */
  private Object call(HttpExchange exchange, String token, Operation op)
      throws GranaryException {
    Callers.Caller caller = callers.acquire(token);
    try {
      return op.run(exchange, caller.client());
    } catch (DeniedException e) {
      if (token != null && !callers.stillValid(caller)) {
        throw Failures.unauthorized("the Bearer token is not valid (unknown or revoked)", true);
      }
      throw e;
    } finally {
      caller.release();
    }
  }

  /** A worker's task, whose failures become the response. */
  @FunctionalInterface
  private interface Task {
    void run() throws GranaryException;
  }

  private void submit(HttpExchange exchange, Task task) {
    Runnable r = () -> {
      try {
        task.run();
      } catch (GranaryException e) {
        answer(exchange, Failures.of(e));
      } catch (HttpError e) {
        answer(exchange, e);
      } catch (RuntimeException e) {
        log.warn("{}: {} failed", upstream.get().nodeId(), exchange.request(), e);
        answer(exchange, new HttpError(HttpResponseStatus.INTERNAL_SERVER_ERROR,
            "internal error serving " + exchange.request() + ": " + e));
      }
    };
    try {
      workers.execute(r);
    } catch (RejectedExecutionException e) {
      throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, limits.maxRequests()
          + " requests are being served, the most this server takes at once; retry later");
    }
  }

  private void answer(HttpExchange exchange, HttpError e) {
    if (exchange.responded()) {
      return;
    }
    try {
      exchange.fail(e);
    } catch (RejectedExecutionException stopped) {
      // The listener stopped meanwhile (the master is closing): no one is left to answer.
      log.debug("{}: {} not answered, the listener stopped", upstream.get().nodeId(),
          exchange.request());
    }
  }

  /** The caller's token, or null on a cluster without security (any header is ignored). */
  private String token(Request request) {
    return callers.secured() ? BearerToken.of(request) : null;
  }

  /** The Granary path after {@code /api/v1/<op>}: {@code /} when empty. */
  private static String path(HttpExchange exchange, String op) {
    String p = exchange.request().path();
    String prefix = PREFIX + op;
    String rest = p.length() <= prefix.length() ? "" : p.substring(prefix.length());
    return "/" + rest;
  }

  /** A boolean query parameter: absent or {@code false} is false, {@code true} true. */
  static boolean flag(Request request, String name) {
    String v = request.query(name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true") || v.isEmpty()) {
      return true;
    }
    throw Failures.badRequest("query parameter " + name + "=" + v
        + ": expected true or false");
  }

  private static String required(Request request, String name) {
    String v = request.query(name);
    if (v == null || v.isEmpty()) {
      throw Failures.badRequest("query parameter " + name + " is missing: expected "
          + PREFIX + "rename?from=PATH&to=PATH");
    }
    return v;
  }

  private static io.netty.buffer.ByteBuf json(Object body) {
    try {
      // A newline ends the body, as the CLI's --json output ends its line (curl users see it).
      return Unpooled.wrappedBuffer(JSON.writeValueAsBytes(body), NEWLINE);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
    }
  }

  /** Closes every caller's client and stops the workers. */
  @Override
  public void close() {
    workers.shutdownNow();
    callers.close();
  }

  @Override
  public String toString() {
    return "RestApi";
  }
}
