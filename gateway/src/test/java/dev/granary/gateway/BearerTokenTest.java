package dev.granary.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.http.HttpError;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerTokenTest {
  private static final String TOKEN = "Q2hhbmdlZCB0byBiZSBhIHRva2VuIG9mIDMyIGJ5dGVz_-x";

  @Test
  void theTokenOfABearerHeader() {
    assertEquals(TOKEN, BearerToken.parse("Bearer " + TOKEN));
    assertEquals(TOKEN, BearerToken.parse("bearer   " + TOKEN + "  "));
  }

  @Test
  void noHeaderIs401WithAChallenge() {
    HttpError e = assertThrows(HttpError.class, () -> BearerToken.parse(null));
    assertEquals(HttpResponseStatus.UNAUTHORIZED, e.status());
    assertEquals("Bearer realm=\"granary\"", e.headers().get("WWW-Authenticate"));
    assertTrue(e.getMessage().startsWith("no credentials"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Basic YTpi", "Bearer", "Token abc", "Bearer a b", "Bearer a\"b",
      "Bearer ä"})
  void otherHeadersAre401(String header) {
    HttpError e = assertThrows(HttpError.class, () -> BearerToken.parse(header));
    assertEquals(HttpResponseStatus.UNAUTHORIZED, e.status(), header);
    assertTrue(e.headers().get("WWW-Authenticate").startsWith("Bearer realm="), header);
  }

  @Test
  void aTokenLongerThanAnyGranaryTokenIsRefusedBeforeTheMasterIsAsked() {
    HttpError e = assertThrows(HttpError.class,
        () -> BearerToken.parse("Bearer " + "a".repeat(257)));
    assertEquals("Bearer realm=\"granary\", error=\"invalid_token\"",
        e.headers().get("WWW-Authenticate"));
  }
}
