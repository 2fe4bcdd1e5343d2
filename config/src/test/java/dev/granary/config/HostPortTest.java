package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1:7070        | 127.0.0.1        | 7070  | 127.0.0.1:7070",
        "localhost:1           | localhost        | 1     | localhost:1",
        "master.example.com:65535 | master.example.com | 65535 | master.example.com:65535",
        "my_host-2:7070        | my_host-2        | 7070  | my_host-2:7070",
        "[::1]:7070            | ::1              | 7070  | [::1]:7070",
        "[fe80::1%eth0]:80     | fe80::1%eth0     | 80    | [fe80::1%eth0]:80",
        "' 10.0.0.1:7071 '     | 10.0.0.1         | 7071  | 10.0.0.1:7071",
        "host:07070            | host             | 7070  | host:7070",
      })
  void parsesAndFormatsAddresses(String text, String host, int port, String formatted) {
    HostPort address = HostPort.parse(text);
    assertEquals(new HostPort(host, port), address);
    assertEquals(formatted, address.toString());
    assertEquals(address, HostPort.parse(address.toString()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost   | invalid address \"localhost\": expected host:port, e.g. 127.0.0.1:7070 or"
            + " [::1]:7070",
        "''          | invalid address \"\": expected host:port, e.g. 127.0.0.1:7070 or [::1]:7070",
        ":7070       | invalid address \":7070\": expected a host before the port, e.g."
            + " 127.0.0.1:7070 or [::1]:7070",
        "host:       | invalid address \"host:\": expected a port between 1 and 65535 after the"
            + " host",
        "host:0      | invalid address \"host:0\": expected a port between 1 and 65535 after the"
            + " host",
        "host:65536  | invalid address \"host:65536\": expected a port between 1 and 65535 after the"
            + " host",
        "host:-1     | invalid address \"host:-1\": expected a port between 1 and 65535 after the"
            + " host",
        "host:http   | invalid address \"host:http\": expected a port between 1 and 65535 after the"
            + " host",
        "host:123456 | invalid address \"host:123456\": expected a port between 1 and 65535 after"
            + " the host",
        "::1:7070    | invalid address \"::1:7070\": expected an IPv6 address in brackets, e.g."
            + " [::1]:7070",
        "[::1]7070   | invalid address \"[::1]7070\": expected [IPv6 address]:port, e.g. [::1]:7070",
        "[::1]       | invalid address \"[::1]\": expected [IPv6 address]:port, e.g. [::1]:7070",
        "[::1:7070   | invalid address \"[::1:7070\": expected [IPv6 address]:port, e.g."
            + " [::1]:7070",
        "[host]:7070 | invalid address \"[host]:7070\": expected an IPv6 address inside the"
            + " brackets, e.g. [::1]:7070",
        "ho st:7070  | invalid address \"ho st:7070\": expected a host name or IP address"
            + " (letters, digits and . _ : % -)",
        "a/b:7070    | invalid address \"a/b:7070\": expected a host name or IP address (letters,"
            + " digits and . _ : % -)",
      })
  void rejectsInvalidAddresses(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void constructorValidatesHostAndPort() {
    assertEquals(
        "invalid port 0: expected a port between 1 and 65535",
        assertThrows(IllegalArgumentException.class, () -> new HostPort("h", 0)).getMessage());
    assertEquals(
        "invalid port 65536: expected a port between 1 and 65535",
        assertThrows(IllegalArgumentException.class, () -> new HostPort("h", 65536)).getMessage());
    assertEquals(
        "invalid host \"\": expected a non-empty host name or IP address",
        assertThrows(IllegalArgumentException.class, () -> new HostPort("", 1)).getMessage());
    assertEquals(
        "invalid host \"[::1]\": expected a host name or IP address (letters, digits and . _ : %"
            + " -)",
        assertThrows(IllegalArgumentException.class, () -> new HostPort("[::1]", 1)).getMessage());
    assertThrows(NullPointerException.class, () -> new HostPort(null, 1));
    assertEquals(65535, new HostPort("h", 65535).port());
  }
}
