package dev.granary.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything the loader needs to know about one role: its section name, its keys in record order,
 * the rules between keys, and how to build the record. The environment variables that may set a
 * key come from the keys themselves.
 *
 * @param <C> the config record of the role
 */
final class Schema<C extends Record> {
  private final String section;
  private final Class<C> type;
  private final List<Key<?>> keys;
  private final List<Relation<?>> relations;
  private final Map<Key<?>, String> environment = new LinkedHashMap<>();
  private final Function<Values, C> factory;
  private final RecordComponent[] components;

  /**
   * @throws IllegalStateException if a key has no description, or the keys are not the record's
   *     components in order with the same (boxed) types: the schema and the record must agree
   */
  Schema(
      String section,
      Class<C> type,
      List<Key<?>> keys,
      List<Relation<?>> relations,
      Function<Values, C> factory) {
    this.section = section;
    this.type = type;
    this.keys = List.copyOf(keys);
    this.relations = List.copyOf(relations);
    this.factory = factory;
    this.components = type.getRecordComponents();
    check();
    for (Key<?> key : this.keys) {
      if (key.environment() != null) {
        environment.put(key, key.environment());
      }
    }
  }

  private void check() {
    if (components.length != keys.size()) {
      throw new IllegalStateException(type.getSimpleName() + " has " + components.length
          + " components but section " + section + " has " + keys.size() + " keys");
    }
    for (int i = 0; i < components.length; i++) {
      Key<?> key = keys.get(i);
      RecordComponent component = components[i];
      if (!component.getName().equals(key.name()) || !key.type().equals(boxed(component.getType()))) {
        throw new IllegalStateException(type.getSimpleName() + " component " + i + " is "
            + component.getName() + " but key " + i + " of section " + section + " is " + key.name());
      }
      if (key.description() == null || key.description().isBlank()
          || key.description().endsWith(".")) {
        throw new IllegalStateException(key.qualifiedName()
            + " needs a description: one sentence without a final full stop");
      }
    }
  }

  private static Class<?> boxed(Class<?> type) {
    if (type == int.class) {
      return Integer.class;
    }
    if (type == long.class) {
      return Long.class;
    }
    if (type == boolean.class) {
      return Boolean.class;
    }
    return type;
  }

  String section() {
    return section;
  }

  List<Key<?>> keys() {
    return keys;
  }

  List<String> keyNames() {
    return keys.stream().map(Key::name).toList();
  }

  Optional<Key<?>> key(String name) {
    return keys.stream().filter(key -> key.name().equals(name)).findFirst();
  }

  List<Relation<?>> relations() {
    return relations;
  }

  /** Keys that an environment variable may set, with the variable's name. */
  Map<Key<?>, String> environment() {
    return environment;
  }

  /** Builds the record; the record's constructor validates the values once more. */
  C build(Values values) {
    return factory.apply(values);
  }

  /** The record with every key at its default. */
  C defaults() {
    Values values = new Values();
    for (Key<?> key : keys) {
      values.put(key, key.defaultValue());
    }
    return build(values);
  }

  /**
   * A record on one line, every key with its value as a user would write it, e.g. {@code
   * MasterConfig{host=0.0.0.0, port=7070, chunkSize=64MiB, ...}}; {@code note} adds text after a
   * key's value (nothing if it returns the empty string).
   */
  String render(C config, Function<Key<?>, String> note) {
    StringBuilder line = new StringBuilder(type.getSimpleName()).append('{');
    for (int i = 0; i < keys.size(); i++) {
      Key<?> key = keys.get(i);
      if (i > 0) {
        line.append(", ");
      }
      line.append(key.name()).append('=').append(key.formatAny(value(config, i)))
          .append(note.apply(key));
    }
    return line.append('}').toString();
  }

  /** A record on one line, every key with its value; see {@link #render(Record, Function)}. */
  String render(C config) {
    return render(config, key -> "");
  }

  private Object value(C config, int index) {
    try {
      return components[index].getAccessor().invoke(config);
    } catch (IllegalAccessException | InvocationTargetException e) {
      // The records are public with public accessors that only return a field.
      throw new IllegalStateException("cannot read " + components[index].getName(), e);
    }
  }

  /** Resolved values by key, read back with their static types. */
  static final class Values {
    private final Map<Key<?>, Object> values = new HashMap<>();

    void put(Key<?> key, Object value) {
      values.put(key, key.type().cast(value));
    }

    <T> T get(Key<T> key) {
      return key.type().cast(values.get(key));
    }
  }
}
