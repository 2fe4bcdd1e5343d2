package dev.granary.config;

/**
 * An ordering rule between two keys of one role, {@code lower <= upper} or {@code lower < upper},
 * such as {@code minReplicas <= replication}. When it is broken, the message blames one side and
 * says what that side should have been given the other's value.
 *
 * @param <T> the type of both keys
 */
final class Relation<T extends Comparable<? super T>> {
  private final Key<T> lower;
  private final Key<T> upper;
  private final boolean strict;
  private final boolean blameLowerByDefault;
  private final String lowerExpected;
  private final String upperExpected;

  /**
   * @param strict whether lower must be strictly less than upper
   * @param blameLowerByDefault which side is blamed when both come from equally specific sources
   *     (and by the records' constructors): the one that depends on the other
   * @param lowerExpected what lower should be; {@code %s} stands for the formatted upper value
   * @param upperExpected what upper should be; {@code %s} stands for the formatted lower value
   */
  Relation(
      Key<T> lower,
      Key<T> upper,
      boolean strict,
      boolean blameLowerByDefault,
      String lowerExpected,
      String upperExpected) {
    this.lower = lower;
    this.upper = upper;
    this.strict = strict;
    this.blameLowerByDefault = blameLowerByDefault;
    this.lowerExpected = lowerExpected;
    this.upperExpected = upperExpected;
  }

  Key<T> lower() {
    return lower;
  }

  Key<T> upper() {
    return upper;
  }

  boolean blameLowerByDefault() {
    return blameLowerByDefault;
  }

  boolean holds(T lowerValue, T upperValue) {
    int order = lowerValue.compareTo(upperValue);
    return strict ? order < 0 : order <= 0;
  }

  /** What the lower key should have been, given the upper value. */
  String lowerExpected(T upperValue) {
    return String.format(lowerExpected, upper.format(upperValue));
  }

  /** What the upper key should have been, given the lower value. */
  String upperExpected(T lowerValue) {
    return String.format(upperExpected, lower.format(lowerValue));
  }

  /**
   * Checks values given to a config record's constructor, blaming the dependent side.
   *
   * @throws ConfigException naming the blamed key, its value and what was expected
   */
  void require(T lowerValue, T upperValue) {
    if (holds(lowerValue, upperValue)) {
      return;
    }
    if (blameLowerByDefault) {
      throw new ConfigException(
          "invalid " + lower.qualifiedName() + " " + Messages.quote(lower.format(lowerValue))
              + ": expected " + lowerExpected(upperValue));
    }
    throw new ConfigException(
        "invalid " + upper.qualifiedName() + " " + Messages.quote(upper.format(upperValue))
            + ": expected " + upperExpected(lowerValue));
  }
}
