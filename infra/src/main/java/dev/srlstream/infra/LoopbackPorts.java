package dev.srlstream.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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
}
