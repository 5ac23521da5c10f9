package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.SaslSslListener;
import dev.srlstream.infra.registry.RegistryConfig;
import dev.srlstream.infra.registry.SchemaRegistryServer;
import dev.srlstream.policy.TinyPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a secured cluster: a broker that wants clients to authenticate (a
 * SASL_SSL listener, SCRAM SHA-256 over TLS, a keystore made for the test), and a registry over
 * HTTPS behind basic authentication. With {@code --kafka-config} and {@code
 * --schema-registry-config} naming the client's settings, topics are created, tasks fed and the log
 * audited through them; with a wrong password a command fails saying so.
 */
class SecuredClusterIT {
  private static final String PASSWORD = "s3cret-store";

  @TempDir Path dir;

  @Test
  void commandsWorkThroughSaslSslWithTheirKafkaConfigAndFailWithAWrongPassword() throws Exception {
    Path keystore = dir.resolve("broker.p12");
    Path truststore = dir.resolve("trust.p12");
    makeKeystores(keystore, truststore);

    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(
            BrokerConfig.ephemeral().withSaslSsl(new SaslSslListener(0, keystore, PASSWORD)))) {
      broker.addScramUser("srl", "right-password");
      String secure = broker.saslSslBootstrapServers();
      Path client = clientConfig("client.properties", truststore, "right-password");
      Path wrong = clientConfig("wrong.properties", truststore, "wrong-password");
      // The registry's store reaches the cluster through SASL_SSL too (srl infra registry
      // --kafka-config).
      try (SchemaRegistryServer registry =
          SchemaRegistryServer.start(
              RegistryConfig.kafka(secure, 0)
                  .withKafkaConfig(ClusterOptions.kafkaConfig(client, "--kafka-config")))) {
        commandsThrough(secure, registry, client, wrong);
      }
    }
  }

  private void commandsThrough(
      String secure, SchemaRegistryServer registry, Path client, Path wrong) throws Exception {
    CommandRun topics =
        CommandRun.of(
            "topics", "create", "--bootstrap-servers", secure, "--kafka-config", client.toString());
    assertThat(topics.exitCode()).as(topics.out() + topics.err()).isZero();
    assertThat(topics.out()).contains("srl.tasks");

    Path data = dir.resolve("data");
    assertThat(
            CommandRun.of(
                    "data",
                    "generate",
                    "--out",
                    data.toString(),
                    "--train",
                    "5",
                    "--validation",
                    "1",
                    "--test",
                    "1")
                .exitCode())
        .isZero();
    String[] cluster = {
      "--bootstrap-servers", secure,
      "--schema-registry", registry.url(),
      "--kafka-config", client.toString()
    };
    CommandRun feed =
        CommandRun.of(
            concat(
                new String[] {"feed", "--data", data.resolve("train.jsonl").toString()}, cluster));
    assertThat(feed.exitCode()).as(feed.out() + feed.err()).isZero();
    assertThat(feed.out()).containsPattern("[1-9][0-9]* tasks of policy srl");

    CommandRun audit = CommandRun.of(concat(new String[] {"audit"}, cluster));
    assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
    assertThat(audit.out()).containsPattern("tasks +[1-9][0-9]* \\(").contains("verdict: 0 lost");

    // A whole training run on the secured cluster: every client of its actors, scorer, learner,
    // feeder and monitor goes through SASL_SSL.
    Path model = Files.writeString(dir.resolve("model.json"), TinyPolicies.SMALL.toJson());
    Path run = dir.resolve("run");
    CommandRun train =
        CommandRun.of(
            concat(
                new String[] {
                  "train",
                  "--recipe",
                  "srl",
                  "--data",
                  data.resolve("train.jsonl").toString(),
                  "--test",
                  data.resolve("test.jsonl").toString(),
                  "--model-config",
                  model.toString(),
                  "--group-size",
                  "2",
                  "--max-new-tokens",
                  "16",
                  "--k",
                  "1",
                  "--context-window",
                  "1",
                  "--batch-groups",
                  "1",
                  "--max-versions",
                  "2",
                  "--minutes",
                  "0",
                  "--run-dir",
                  run.toString()
                },
                cluster));
    assertThat(train.exitCode()).as(train.out() + train.err()).isZero();
    JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    assertThat(summary.path("status").asText()).isEqualTo("finished");
    assertThat(summary.path("versions").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(summary.path("cluster").path("bootstrap_servers").asText()).isEqualTo(secure);

    CommandRun refused =
        CommandRun.of(
            "topics",
            "create",
            "--bootstrap-servers",
            secure,
            "--kafka-config",
            wrong.toString(),
            "--timeout",
            "PT10S");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).containsIgnoringCase("authentication failed");
  }

  /**
   * The registry over HTTPS behind basic authentication: commands reach it with {@code
   * --schema-registry-config} (Confluent's property names: the user, the truststore), and are
   * refused without the user, or with a wrong password.
   */
  @Test
  void commandsReachARegistryBehindTlsAndBasicAuthWithTheirRegistryConfig() throws Exception {
    Path keystore = dir.resolve("registry.p12");
    Path truststore = dir.resolve("registry-trust.p12");
    makeKeystores(keystore, truststore);
    Path serverConfig = dir.resolve("registry.properties");
    Files.writeString(
        serverConfig,
        "ssl.keystore.location="
            + keystore.toAbsolutePath()
            + "\nssl.keystore.password="
            + PASSWORD
            + "\nbasic.auth.user.info=srl:reg-password\n");

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral());
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(
                RegistryConfig.kafka(broker.bootstrapServers(), 0)
                    .withSecurity(InfraCommand.Registry.security(serverConfig)))) {
      assertThat(registry.url()).startsWith("https://127.0.0.1:");
      assertThat(
              CommandRun.of("topics", "create", "--bootstrap-servers", broker.bootstrapServers())
                  .exitCode())
          .isZero();
      Path data = dir.resolve("data");
      assertThat(
              CommandRun.of("data", "generate", "--out", data.toString(), "--train", "3")
                  .exitCode())
          .isZero();
      String[] feed = {
        "feed",
        "--bootstrap-servers",
        broker.bootstrapServers(),
        "--schema-registry",
        registry.url(),
        "--data",
        data.resolve("train.jsonl").toString()
      };

      Path right = registryConfig("right.properties", truststore, "srl:reg-password");
      CommandRun fed =
          CommandRun.of(concat(feed, new String[] {"--schema-registry-config", right.toString()}));
      assertThat(fed.exitCode()).as(fed.out() + fed.err()).isZero();
      CommandRun audit =
          CommandRun.of(
              "audit",
              "--bootstrap-servers",
              broker.bootstrapServers(),
              "--schema-registry",
              registry.url(),
              "--schema-registry-config",
              right.toString());
      assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
      assertThat(audit.out()).containsPattern("tasks +[1-9]");

      Path wrong = registryConfig("wrong-user.properties", truststore, "srl:nope");
      CommandRun refused =
          CommandRun.of(concat(feed, new String[] {"--schema-registry-config", wrong.toString()}));
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains("401");

      Path noUser = dir.resolve("trust-only.properties");
      Files.writeString(
          noUser,
          "schema.registry.ssl.truststore.location="
              + truststore.toAbsolutePath()
              + "\nschema.registry.ssl.truststore.password="
              + PASSWORD
              + "\n");
      CommandRun anonymous =
          CommandRun.of(concat(feed, new String[] {"--schema-registry-config", noUser.toString()}));
      assertThat(anonymous.exitCode()).isEqualTo(1);
      assertThat(anonymous.err()).contains("401");
    }
  }

  private Path registryConfig(String name, Path truststore, String userInfo) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(
        file,
        String.join(
            "\n",
            "basic.auth.credentials.source=USER_INFO",
            "basic.auth.user.info=" + userInfo,
            "schema.registry.ssl.truststore.location=" + truststore.toAbsolutePath(),
            "schema.registry.ssl.truststore.password=" + PASSWORD,
            ""));
    return file;
  }

  private Path clientConfig(String name, Path truststore, String password) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=" + SaslSslListener.MECHANISM,
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"srl\" password=\""
                + password
                + "\";",
            "ssl.truststore.type=PKCS12",
            "ssl.truststore.location=" + truststore.toAbsolutePath(),
            "ssl.truststore.password=" + PASSWORD,
            ""));
    return file;
  }

  /** A key pair and certificate for 127.0.0.1, and a truststore holding the certificate. */
  private void makeKeystores(Path keystore, Path truststore) throws Exception {
    Path cert = dir.resolve("broker.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=IP:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        PASSWORD);
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
