package dev.granary.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything the loader needs to know about one role: its section name, its keys in record order,
 * the rules between keys, the environment variables that may set a key, and how to build the
 * record.
 *
 * @param <C> the config record of the role
 */
final class Schema<C> {
  private final String section;
  private final List<Key<?>> keys;
  private final List<Relation<?>> relations;
  private final Map<Key<?>, String> environment;
  private final Function<Values, C> factory;

  Schema(
      String section,
      List<Key<?>> keys,
      List<Relation<?>> relations,
      Map<Key<?>, String> environment,
      Function<Values, C> factory) {
    this.section = section;
    this.keys = List.copyOf(keys);
    this.relations = List.copyOf(relations);
    this.environment = Map.copyOf(environment);
    this.factory = factory;
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
