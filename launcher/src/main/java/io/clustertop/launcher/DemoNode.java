package io.clustertop.launcher;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.core.flow.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A node of the demo cluster: its name, its capture (a resource of the jar, recorded in test
 * namespaces by test/captures/record-demo.sh) and its addresses, as the manifest {@code demo/nodes}
 * lists them, one line a node: {@code NAME FILE ADDRESS...}.
 */
record DemoNode(String name, String capture, List<IpAddress> addresses) {
  private static final String DIRECTORY = "/demo/";

  /** Every node the jar carries, in the manifest's order. */
  static List<DemoNode> shipped() {
    return Arrays.stream(new String(resource("nodes"), StandardCharsets.UTF_8).split("\n"))
        .filter(line -> !line.isBlank())
        .map(line -> {
          String[] fields = line.trim().split(" +");
          return new DemoNode(fields[0], fields[1],
              Arrays.stream(fields, 2, fields.length).map(IpAddress::parse).toList());
        })
        .toList();
  }

  /** Its capture, read out of the jar into memory (no file needed). */
  CaptureFile open() {
    return CaptureFile.of(DIRECTORY + capture, resource(capture));
  }

  private static byte[] resource(String name) {
    try (InputStream in = DemoNode.class.getResourceAsStream(DIRECTORY + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + DIRECTORY + name + ": a broken build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DIRECTORY + name + " from the jar", e);
    }
  }
}
