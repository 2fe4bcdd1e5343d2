package dev.granary.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The flags a user actually gave, keyed by config key, for the config loader to validate. */
final class Flags {
  private final Map<String, String> map = new LinkedHashMap<>();

  Flags put(String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
    return this;
  }

  Map<String, String> map() {
    return map;
  }
}
