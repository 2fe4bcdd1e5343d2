package dev.granary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Which route a path reaches: exact paths, prefixes, the root as a page of its own. */
class RouterTest {
  private final HttpHandler root = ex -> HttpHandler.BodyReceiver.DISCARD;
  private final HttpHandler files = ex -> HttpHandler.BodyReceiver.DISCARD;
  private final HttpHandler metrics = ex -> HttpHandler.BodyReceiver.DISCARD;
  private final Router router = Router.builder()
      .get("/", root)
      .get("/api/files/", files)
      .get("/metrics", metrics)
      .build();

  private static Request request(HttpMethod method, String uri) {
    return Request.of(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri),
        new InetSocketAddress("127.0.0.1", 1), false);
  }

  private HttpError refused(HttpMethod method, String uri) {
    return assertThrows(HttpError.class, () -> router.route(request(method, uri)));
  }

  @Test
  void theRootMatchesOnlyItselfWhileOtherPrefixesMatchBeneath() {
    assertSame(root, router.route(request(HttpMethod.GET, "/")));
    assertSame(root, router.route(request(HttpMethod.GET, "/?x=1")));
    assertSame(files, router.route(request(HttpMethod.GET, "/api/files/a/b")));
    assertSame(metrics, router.route(request(HttpMethod.GET, "/metrics")));
    assertEquals(HttpResponseStatus.NOT_FOUND, refused(HttpMethod.GET, "/nope").status());
    assertEquals(HttpResponseStatus.NOT_FOUND, refused(HttpMethod.GET, "/metrics/x").status());
    // Not a 405 naming GET: no route of any method serves /nope.
    assertEquals(HttpResponseStatus.NOT_FOUND, refused(HttpMethod.POST, "/nope").status());
    HttpError wrongMethod = refused(HttpMethod.DELETE, "/");
    assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, wrongMethod.status());
    assertEquals("GET", wrongMethod.headers().get("Allow"));
  }
}
