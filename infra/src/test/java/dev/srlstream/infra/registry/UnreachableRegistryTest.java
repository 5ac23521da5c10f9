package dev.srlstream.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.srlstream.schemas.registry.RegistryUnavailableException;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.registry.SchemaRegistryClient.RetryPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client's behaviour when nothing answers, and the server's loopback-only binding. */
class UnreachableRegistryTest {

  private static final RetryPolicy QUICK =
      new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(2));

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aClosedPortRaisesRegistryUnavailableNamingTheUrl() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    SchemaRegistryClient client = new SchemaRegistryClient(url, QUICK);

    RegistryUnavailableException e =
        catchThrowableOfType(RegistryUnavailableException.class, () -> client.schemaById(1));

    assertThat(e.getMessage())
        .contains("schema registry at " + url + " is unreachable")
        .contains("failed 3 times");
    assertThat(e.httpStatus()).isEqualTo(-1);
    assertThat(e.getCause()).isInstanceOf(IOException.class);
  }

  @Test
  void theServerListensOnLoopback127001Only() throws IOException {
    try (SchemaRegistryServer server = SchemaRegistryServer.start(RegistryConfig.inMemory(0))) {
      // Another loopback address can take the same port only if the registry did not bind the
      // wildcard address (Linux refuses a specific bind over a listening 0.0.0.0 socket).
      try (ServerSocket other = new ServerSocket()) {
        other.bind(new InetSocketAddress("127.0.0.2", server.port()));
        assertThat(other.getLocalPort()).isEqualTo(server.port());
      }
    }
  }

  @Test
  void aPortInUseFailsTheStartWithTheReason() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      IllegalStateException e =
          catchThrowableOfType(
              IllegalStateException.class,
              () -> SchemaRegistryServer.start(RegistryConfig.inMemory(taken.getLocalPort())));
      assertThat(e.getMessage())
          .startsWith("schema registry could not start on 127.0.0.1:" + taken.getLocalPort())
          .containsIgnoringCase("address already in use");
    }
  }
}
