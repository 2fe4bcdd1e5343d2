package dev.granary.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The jar users get, {@code target/hadoop-granary.jar} (run by failsafe after {@code package}):
 * every class in it is under {@code dev/granary/} (Netty, Caffeine, SnakeYAML, BouncyCastle
 * relocated; no Hadoop, no SLF4J, no native libraries), it registers the file system, and, put
 * beside Hadoop's jars and nothing of Granary's, it serves {@code granary://}.
 */
@ExtendWith(TestCluster.Join.class)
class ShadedJarIT {
  private static final String SERVICES = "META-INF/services/org.apache.hadoop.fs.FileSystem";

  private static Path jar() {
    String p = System.getProperty("granary.hadoop.jar");
    assertTrue(p != null && Files.isRegularFile(Path.of(p)),
        "system property granary.hadoop.jar names the shaded jar: " + p);
    return Path.of(p);
  }

  @Test
  void everyClassIsRelocatedAndTheFileSystemIsRegistered() throws IOException {
    List<String> foreign = new ArrayList<>();
    String services = null;
    try (JarFile jar = new JarFile(jar().toFile())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        String name = entry.getName().replaceFirst("^META-INF/versions/\\d+/", "");
        if (name.endsWith(".class") && !name.startsWith("dev/granary/")) {
          foreign.add(entry.getName());
        }
        if (name.startsWith("META-INF/native/") || name.endsWith(".so")
            || name.endsWith(".dll") || name.endsWith(".jnilib")) {
          foreign.add(entry.getName());
        }
        if (entry.getName().equals(SERVICES)) {
          try (InputStream in = jar.getInputStream(entry)) {
            services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
        }
      }
      assertTrue(jar.getEntry("dev/granary/shaded/io/netty/channel/Channel.class") != null,
          "Netty is inside, relocated");
    }
    assertEquals(List.of(), foreign, "classes or native libraries outside dev/granary/");
    assertEquals("dev.granary.hadoop.GranaryFileSystem", services == null ? null
        : services.strip(), SERVICES);
  }

  @Test
  void servesGranaryBesideHadoopsOwnJars() throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(jar().toUri().toURL());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      boolean granary = entry.contains("/target/classes") || entry.contains("/target/test-classes")
          || name.startsWith("granary-") || name.startsWith("hadoop-granary");
      if (!granary) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    byte[] data = "granary through the shaded jar\n".getBytes(StandardCharsets.UTF_8);
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]),
        ClassLoader.getPlatformClassLoader())) {
      // Hadoop finds its configuration and file systems through the context class loader.
      Thread.currentThread().setContextClassLoader(loader);
      Class<?> confClass = loader.loadClass("org.apache.hadoop.conf.Configuration");
      Object conf = confClass.getConstructor().newInstance();
      confClass.getMethod("set", String.class, String.class).invoke(conf,
          ConnectorConfig.CREDENTIALS, TestCluster.get().adminCredentials().toString());
      Class<?> fsClass = loader.loadClass("org.apache.hadoop.fs.FileSystem");
      Class<?> pathClass = loader.loadClass("org.apache.hadoop.fs.Path");
      Object fs = fsClass.getMethod("newInstance", URI.class, confClass)
          .invoke(null, TestCluster.get().uri(), conf);
      try {
        assertEquals("dev.granary.hadoop.GranaryFileSystem", fs.getClass().getName());
        assertSame(loader, fs.getClass().getClassLoader(), "loaded from the shaded jar");
        Object path = pathClass.getConstructor(String.class)
            .newInstance("/shaded-jar/hello.txt");
        Method create = fsClass.getMethod("create", pathClass, boolean.class);
        try (OutputStream out = (OutputStream) create.invoke(fs, path, true)) {
          out.write(data);
        }
        try (InputStream in = (InputStream) fsClass.getMethod("open", pathClass)
            .invoke(fs, path)) {
          assertArrayEquals(data, in.readAllBytes());
        }
        fsClass.getMethod("delete", pathClass, boolean.class).invoke(fs,
            pathClass.getConstructor(String.class).newInstance("/shaded-jar"), true);
      } finally {
        fsClass.getMethod("close").invoke(fs);
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }
}
