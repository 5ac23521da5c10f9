package dev.srlstream.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Checks on ports of 127.0.0.1, the only address any server here binds. */
public final class LoopbackPorts {

  /** The address every server of srl-stream binds. */
  public static final String HOST = "127.0.0.1";

  private LoopbackPorts() {}

  /**
   * Fails fast, before anything starts, when a fixed port is taken (0, "any free port", passes).
   *
   * @param what the server, for the message, e.g. "Kafka broker"
   * @throws IllegalStateException "{what} port {port} on 127.0.0.1 is already in use"
   */
  public static void requireFree(String what, int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          what + " port " + port + " on " + HOST + " is already in use", e);
    }
  }

  /**
   * {@code n} distinct ports free on 127.0.0.1 now (all probed at once, so they differ); another
   * process may take one before it is used, as with any port picked ahead of its server.
   */
  public static List<Integer> free(int n) {
    List<ServerSocket> probes = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ServerSocket probe = new ServerSocket();
        probes.add(probe);
        probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        ports.add(probe.getLocalPort());
      }
      return List.copyOf(ports);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pick a free port on " + HOST, e);
    } finally {
      for (ServerSocket probe : probes) {
        try {
          probe.close();
        } catch (IOException ignored) {
          // a probe that does not close frees its port when the process ends
        }
      }
    }
  }
}
