package dev.granary.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON bodies the listener writes itself: errors. */
final class JsonBodies {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonBodies() {}

  /** {@code {"error": code, "message": message}}, UTF-8. */
  static byte[] error(String code, String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + message.length());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("error", code);
      g.writeStringField("message", message);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }
}
