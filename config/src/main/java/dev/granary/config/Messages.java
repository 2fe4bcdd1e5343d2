package dev.granary.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Text helpers shared by the parsers and the loader: quoting, one-line folding, suggestions. */
final class Messages {
  /** Separates a problem from its "did you mean" suggestion. */
  static final String DASH = " \u2014 ";

  /** Longest value echoed back in a message; longer ones are cut with an ellipsis. */
  private static final int MAX_QUOTED = 80;

  /** Suggestions are only offered within this edit distance. */
  private static final int MAX_DISTANCE = 3;

  /** Longer inputs are never compared by edit distance (bounds the work on hostile input). */
  private static final int MAX_COMPARED = 64;

  private Messages() {}

  /** The value in double quotes, escaped so that the message stays on one line. */
  static String quote(String value) {
    String shown = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED - 3) + "..." : value;
    StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** Folds line breaks and runs of whitespace into single spaces. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  /**
   * The candidate the input most likely meant: a case-insensitive match first, else the closest by
   * edit distance within {@value #MAX_DISTANCE} edits (and fewer edits than the input has
   * characters, so that a short word is not "corrected" into an unrelated one). Ties go to the
   * earlier candidate.
   */
  static Optional<String> closest(String input, Collection<String> candidates) {
    for (String candidate : candidates) {
      if (candidate.equalsIgnoreCase(input)) {
        return Optional.of(candidate);
      }
    }
    if (input.length() > MAX_COMPARED) {
      return Optional.empty();
    }
    String lower = input.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String candidate : candidates) {
      int distance = levenshtein(lower, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance && distance < input.length()) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The number of single-character insertions, deletions and substitutions from a to b. */
  static int levenshtein(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
