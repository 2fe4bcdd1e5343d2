package dev.granary.client.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.GranaryClient;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's boundary: its module exports {@code dev.granary.client} and nothing else, the
 * machinery in {@code dev.granary.client.internal} is package-private but for the one class
 * {@link GranaryClient#open} constructs, and no public signature of the API names a type outside
 * the API, the JDK and the configuration records, so a caller never needs the internals.
 */
class ApiBoundaryTest {
  private static final String API = "dev.granary.client";
  private static final String INTERNAL = "dev.granary.client.internal";

  private static ModuleDescriptor descriptor() throws IOException {
    try (InputStream in = GranaryClient.class.getResourceAsStream("/module-info.class")) {
      assertTrue(in != null, "client-lib has a module-info.class");
      return ModuleDescriptor.read(in);
    }
  }

  @Test
  void theModuleExportsOnlyTheApi() throws IOException {
    ModuleDescriptor d = descriptor();
    assertEquals("dev.granary.client", d.name());
    assertEquals(Set.of(API), d.exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet()));
    assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified),
        "the API is exported to everyone, and nothing else to anyone");
    assertFalse(d.exports().stream().anyMatch(e -> e.source().equals(INTERNAL)));
    assertTrue(d.opens().isEmpty() && !d.isOpen(), "nothing is opened for reflection");
    Module m = GranaryClient.class.getModule();
    if (m.isNamed()) {
      // Run on the module path (surefire's default for a modular project): the JVM agrees.
      assertTrue(m.isExported(API));
      assertFalse(m.isExported(INTERNAL));
    }
  }

  @Test
  void internalTypesArePackagePrivateButTheOneOpenConstructs() throws Exception {
    Set<String> publicTypes = new TreeSet<>();
    List<String> all = classesOf(INTERNAL);
    for (String name : all) {
      if (effectivelyPublic(Class.forName(name, false, loader()))) {
        publicTypes.add(name);
      }
    }
    assertTrue(all.size() > 20, "found the internal classes: " + all);
    assertEquals(Set.of(INTERNAL + ".DefaultGranaryClient"), publicTypes);
  }

  @Test
  void apiSignaturesNameOnlyApiJdkAndConfigTypes() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<String> api = classesOf(API);
    assertTrue(api.contains(API + ".GranaryClient") && api.contains(API + ".DirectoryPage"));
    for (String name : api) {
      Class<?> c = Class.forName(name, false, loader());
      if (!effectivelyPublic(c)) {
        continue;
      }
      check(c.getName() + " extends", c.getGenericSuperclass(), leaks);
      for (Type t : c.getGenericInterfaces()) {
        check(c.getName() + " implements", t, leaks);
      }
      for (Executable e : Stream.concat(Stream.of(c.getDeclaredMethods()),
          Stream.of(c.getDeclaredConstructors())).toList()) {
        if (visible(e)) {
          String where = c.getSimpleName() + "." + e.getName();
          if (e instanceof java.lang.reflect.Method method) {
            check(where + " returns", method.getGenericReturnType(), leaks);
          }
          for (Type t : e.getGenericParameterTypes()) {
            check(where + " takes", t, leaks);
          }
          for (Type t : e.getGenericExceptionTypes()) {
            check(where + " throws", t, leaks);
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f)) {
          check(c.getSimpleName() + "." + f.getName(), f.getGenericType(), leaks);
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  /** Public, and so is every class it is nested in: reachable from outside the package. */
  private static boolean effectivelyPublic(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(Member m) {
    return !m.isSynthetic()
        && (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers()));
  }

  private static void check(String where, Type t, List<String> leaks) {
    if (t == null) {
      return;
    }
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String p = c.getPackageName();
      boolean ok = c.isPrimitive() || p.startsWith("java.") || p.equals(API)
          || p.equals("dev.granary.config");
      if (!ok) {
        leaks.add(where + " " + c.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      check(where, p.getRawType(), leaks);
      for (Type a : p.getActualTypeArguments()) {
        check(where, a, leaks);
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        check(where, b, leaks);
      }
      for (Type b : w.getLowerBounds()) {
        check(where, b, leaks);
      }
    } else if (t instanceof GenericArrayType g) {
      check(where, g.getGenericComponentType(), leaks);
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        check(where, b, leaks);
      }
    }
  }

  private static ClassLoader loader() {
    return GranaryClient.class.getClassLoader();
  }

  /** The top-level and nested classes of {@code pkg} in client-lib's compiled classes. */
  private static List<String> classesOf(String pkg) throws IOException, URISyntaxException {
    Path root = Path.of(GranaryClient.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    Path dir = root.resolve(pkg.replace('.', '/'));
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
          .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
          .sorted().toList();
    }
  }
}
