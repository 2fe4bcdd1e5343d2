package dev.granary.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * One YAML config file, read and checked for shape: a mapping of known sections, each a mapping
 * of known keys to values. Values are kept as the text the user wrote; each role's loader parses
 * the values of its own section.
 *
 * <p>Design note: the file is read with SnakeYAML's safe loader settings (no duplicate keys, at
 * most 10 collection aliases, nesting depth 20, a million code points, and at most 1 MiB on disk)
 * but only composed into a node tree, never constructed into Java objects. Keeping each scalar's
 * source text means a value is judged as written: {@code port: 07070} is 7070, not the YAML 1.1
 * octal 3640; {@code placement: no} is the word "no", not {@code false}; and the bad value in a
 * message is the one the user typed. Node marks give line and column for structural errors.
 */
final class ConfigFile {
  /** Files larger than this are rejected before parsing. */
  static final int MAX_BYTES = 1 << 20;

  private static final int MAX_ALIASES = 10;
  private static final int MAX_NESTING = 20;
  private static final int MAX_CODE_POINTS = 1_000_000;

  /** What a key's value looked like in the file. */
  enum Shape {
    SCALAR,
    EMPTY,
    LIST,
    MAPPING
  }

  /**
   * One value as written.
   *
   * @param shape the kind of YAML node
   * @param text the scalar's source text, or null unless {@code shape == SCALAR}
   */
  record Value(Shape shape, String text) {}

  private static final ConfigFile NONE = new ConfigFile("", Map.of());

  private final String name;
  private final Map<String, Map<String, Value>> sections;

  private ConfigFile(String name, Map<String, Map<String, Value>> sections) {
    this.name = name;
    this.sections = sections;
  }

  /** No file: every section is absent. */
  static ConfigFile none() {
    return NONE;
  }

  /**
   * Reads and checks a config file.
   *
   * @param path the file, named in messages as given
   * @param layout the known sections, each with its known keys, in their documented order
   * @throws ConfigException if the file cannot be read, is larger than 1 MiB, is not valid UTF-8
   *     or YAML, or has a duplicate, unknown or misshapen section or key
   */
  static ConfigFile read(Path path, Map<String, List<String>> layout) {
    String name = path.toString();
    String where = "config " + name + ": ";
    String text = decode(readBounded(path, where), where);
    Node root = compose(text, where);
    return new ConfigFile(name, new Walker(where, layout).sections(root));
  }

  /** The file name as given, for messages. */
  String name() {
    return name;
  }

  /** The keys of a section in file order; empty if the section is absent or empty. */
  Map<String, Value> section(String section) {
    return sections.getOrDefault(section, Map.of());
  }

  private static byte[] readBounded(Path path, String where) {
    if (Files.isDirectory(path)) {
      throw new ConfigException(where + "is a directory; expected a YAML file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new ConfigException(
            where + "file is too large; expected at most " + Sizes.format(MAX_BYTES));
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new ConfigException(where + "file not found", e);
    } catch (AccessDeniedException e) {
      throw new ConfigException(where + "permission denied", e);
    } catch (IOException e) {
      throw new ConfigException(where + "cannot read file: " + e.getMessage(), e);
    }
  }

  private static String decode(byte[] bytes, String where) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw new ConfigException(where + "not valid UTF-8; expected a UTF-8 YAML file", e);
    }
  }

  private static Node compose(String text, String where) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setNestingDepthLimit(MAX_NESTING);
    DumperOptions dumperOptions = new DumperOptions();
    Yaml yaml =
        new Yaml(
            new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options);
    try {
      return yaml.compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      if (e.getContext() != null && problem.startsWith("but ")) {
        problem = e.getContext() + ", " + problem;
      }
      throw new ConfigException(where + "invalid YAML" + at(mark) + ": " + problem, e);
    } catch (YAMLException e) {
      throw new ConfigException(where + "invalid YAML: " + e.getMessage(), e);
    }
  }

  private static String at(Mark mark) {
    return mark == null
        ? ""
        : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  /** Walks the node tree, checking shape and names, and collects the values. */
  private static final class Walker {
    private final String where;
    private final Map<String, List<String>> layout;

    Walker(String where, Map<String, List<String>> layout) {
      this.where = where;
      this.layout = layout;
    }

    Map<String, Map<String, Value>> sections(Node root) {
      if (root == null || isEmpty(root)) {
        return Map.of();
      }
      checkTag(root);
      if (!(root instanceof MappingNode mapping)) {
        throw new ConfigException(
            where + "expected a mapping of sections (" + String.join(", ", layout.keySet())
                + ") at the top level");
      }
      Map<String, Map<String, Value>> sections = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        String section = name(tuple.getKeyNode(), "");
        if (sections.containsKey(section)) {
          throw new ConfigException(
              where + "invalid YAML" + at(tuple.getKeyNode().getStartMark())
                  + ": duplicate section " + section);
        }
        List<String> keys = layout.get(section);
        if (keys == null) {
          throw new ConfigException(
              where + "unknown section " + section + suggestion(section, layout.keySet()));
        }
        sections.put(section, keys(section, tuple.getValueNode(), keys));
      }
      return Collections.unmodifiableMap(sections);
    }

    private Map<String, Value> keys(String section, Node node, List<String> known) {
      if (isEmpty(node)) {
        return Map.of();
      }
      checkTag(node);
      if (!(node instanceof MappingNode mapping)) {
        throw new ConfigException(
            where + "invalid section " + section + ": expected a mapping of keys to values, e.g. "
                + section + ": {" + known.get(0) + ": ...}");
      }
      Map<String, Value> values = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        String key = name(tuple.getKeyNode(), section + ".");
        String qualified = section + "." + key;
        if (values.containsKey(key)) {
          throw new ConfigException(
              where + "invalid YAML" + at(tuple.getKeyNode().getStartMark())
                  + ": duplicate key " + qualified);
        }
        if (!known.contains(key)) {
          throw new ConfigException(where + "unknown key " + qualified + suggestion(key, known));
        }
        values.put(key, value(tuple.getValueNode()));
      }
      return Collections.unmodifiableMap(values);
    }

    private Value value(Node node) {
      checkTag(node);
      if (isEmpty(node)) {
        return new Value(Shape.EMPTY, null);
      }
      if (node instanceof SequenceNode) {
        return new Value(Shape.LIST, null);
      }
      if (node instanceof MappingNode) {
        return new Value(Shape.MAPPING, null);
      }
      return new Value(Shape.SCALAR, ((ScalarNode) node).getValue());
    }

    /** The text of a section or key name; names must be plain scalars. */
    private String name(Node node, String parent) {
      checkTag(node);
      if (node.getTag().equals(Tag.MERGE)) {
        throw new ConfigException(
            where + "invalid YAML" + at(node.getStartMark()) + ": merge keys (<<) are not "
                + "supported; write " + (parent.isEmpty() ? "each section" : "each key")
                + " out");
      }
      if (!(node instanceof ScalarNode scalar)) {
        throw new ConfigException(
            where + "invalid YAML" + at(node.getStartMark()) + ": expected a "
                + (parent.isEmpty() ? "section" : "key") + " name, not a "
                + (node instanceof SequenceNode ? "list" : "mapping"));
      }
      return scalar.getValue();
    }

    private void checkTag(Node node) {
      if (!Tag.standardTags.contains(node.getTag())) {
        throw new ConfigException(
            where + "invalid YAML" + at(node.getStartMark()) + ": unsupported tag "
                + node.getTag().getValue());
      }
    }

    private static boolean isEmpty(Node node) {
      return node instanceof ScalarNode scalar
          && (scalar.getTag().equals(Tag.NULL) || scalar.getValue().isEmpty());
    }

    private static String suggestion(String name, Collection<String> known) {
      return Messages.closest(name, known)
          .map(match -> Messages.DASH + "did you mean " + match + "?")
          .orElse("; expected one of " + String.join(", ", known));
    }
  }
}
