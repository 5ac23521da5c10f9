package dev.srlstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of a schema registry that speaks Confluent's REST API (ours in {@code infra}, or
 * Confluent's own). Thread-safe; registrations and schemas by id are cached, since a schema id
 * never changes meaning.
 *
 * <p>A registry that cannot be reached is retried a bounded number of times with exponential
 * backoff, then {@link RegistryUnavailableException} names the URL. A registry that answers with an
 * error raises {@link RegistryException} with Confluent's error code and message.
 */
public final class SchemaRegistryClient implements SchemaRegistry {

  /** The content type of Confluent's API. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** Bounded retries for an unreachable registry. */
  public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration requestTimeout) {
    public static final RetryPolicy DEFAULT =
        new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));

    public RetryPolicy {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
      }
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final String authorization; // the basic-auth header value, or null
  private final RetryPolicy retry;
  private final HttpClient http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, RetryPolicy.DEFAULT);
  }

  public SchemaRegistryClient(String baseUrl, RetryPolicy retry) {
    this(baseUrl, retry, RegistryAccess.NONE);
  }

  /** A client of a guarded registry (basic authentication, HTTPS with its own trust). */
  public SchemaRegistryClient(String baseUrl, RegistryAccess access) {
    this(baseUrl, RetryPolicy.DEFAULT, access);
  }

  /**
   * @param baseUrl the registry's URL; user info in it ({@code https://user:password@host:port})
   *     authenticates as Confluent's {@code basic.auth.credentials.source=URL} does, unless {@code
   *     access} names a user
   */
  public SchemaRegistryClient(String baseUrl, RetryPolicy retry, RegistryAccess access) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(access, "access");
    URI uri;
    try {
      uri = URI.create(baseUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "schema registry URL must be an http(s) URL, but was '" + baseUrl + "'", e);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "schema registry URL must be an http(s) URL, but was '" + baseUrl + "'");
    }
    String userInfo = access.userInfo() != null ? access.userInfo() : uri.getRawUserInfo();
    this.authorization =
        userInfo == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        URLDecoder.decode(userInfo, StandardCharsets.UTF_8)
                            .getBytes(StandardCharsets.UTF_8));
    String withoutUser =
        uri.getRawUserInfo() == null ? baseUrl : baseUrl.replace(uri.getRawUserInfo() + "@", "");
    this.baseUrl =
        withoutUser.endsWith("/")
            ? withoutUser.substring(0, withoutUser.length() - 1)
            : withoutUser;
    this.retry = Objects.requireNonNull(retry, "retry");
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(retry.requestTimeout());
    SSLContext ssl = access.sslContext();
    if (ssl != null) {
      http.sslContext(ssl);
    }
    this.http = http.build();
  }

  @Override
  public String describe() {
    return "schema registry at " + baseUrl;
  }

  /** The registry's base URL, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * Registers a schema under a subject (or finds it already there) and returns its global id.
   *
   * @throws RegistryException with error code 409 when the subject's compatibility level refuses it
   */
  @Override
  public int register(String subject, Schema schema) {
    String key = subject + '\u0000' + schema.toString();
    Integer cached = idsBySubjectAndSchema.get(key);
    if (cached != null) {
      return cached;
    }
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    JsonNode response = send("POST", "/subjects/" + encode(subject) + "/versions", body);
    int id = response.path("id").asInt(-1);
    if (id < 0) {
      throw new RegistryException(
          200, -1, "schema registry at " + baseUrl + " answered a registration without an id");
    }
    idsBySubjectAndSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  /**
   * The schema with a global id.
   *
   * @throws RegistryException with error code 40403 when no schema has that id
   */
  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode response = send("GET", "/schemas/ids/" + id, null);
    Schema schema = parse(response.path("schema").asText(), "schema id " + id);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  /** The latest version of a subject. */
  public RegisteredSchema latest(String subject) {
    return version(subject, "latest");
  }

  /** A version of a subject: a positive number or {@code latest}. */
  public RegisteredSchema version(String subject, String version) {
    JsonNode r = send("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version), null);
    int id = r.path("id").asInt();
    Schema schema = parse(r.path("schema").asText(), "subject " + subject + " version " + version);
    schemasById.putIfAbsent(id, schema);
    return new RegisteredSchema(
        r.path("subject").asText(subject), r.path("version").asInt(), id, schema);
  }

  /** Every subject that has a schema. */
  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    send("GET", "/subjects", null).forEach(n -> subjects.add(n.asText()));
    return subjects;
  }

  /** The version numbers of a subject, ascending. */
  public List<Integer> versions(String subject) {
    List<Integer> versions = new ArrayList<>();
    send("GET", "/subjects/" + encode(subject) + "/versions", null)
        .forEach(n -> versions.add(n.asInt()));
    return versions;
  }

  /** Whether a schema could be registered after a version of the subject ({@code latest} too). */
  public boolean isCompatible(String subject, String version, Schema schema) {
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    JsonNode r =
        send(
            "POST",
            "/compatibility/subjects/" + encode(subject) + "/versions/" + encode(version),
            body);
    return r.path("is_compatible").asBoolean(false);
  }

  /** The global compatibility level. */
  public CompatibilityLevel compatibility() {
    return CompatibilityLevel.parse(
        send("GET", "/config", null).path("compatibilityLevel").asText());
  }

  /** The compatibility level in force for a subject (its own, or the global default). */
  public CompatibilityLevel compatibility(String subject) {
    JsonNode r = send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
    return CompatibilityLevel.parse(r.path("compatibilityLevel").asText());
  }

  /** Sets the global compatibility level. */
  public void setCompatibility(CompatibilityLevel level) {
    send("PUT", "/config", JSON.createObjectNode().put("compatibility", level.name()));
  }

  /** Sets a subject's compatibility level. */
  public void setCompatibility(String subject, CompatibilityLevel level) {
    send(
        "PUT",
        "/config/" + encode(subject),
        JSON.createObjectNode().put("compatibility", level.name()));
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(retry.requestTimeout())
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> response = sendWithRetries(request.build(), method + " " + path);
    JsonNode json;
    try {
      json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RegistryException(
          response.statusCode(),
          -1,
          "schema registry at "
              + baseUrl
              + " answered "
              + method
              + " "
              + path
              + " with a body that is not JSON (HTTP "
              + response.statusCode()
              + ")");
    }
    if (response.statusCode() >= 300) {
      int errorCode = json.path("error_code").asInt(response.statusCode());
      String message = json.path("message").asText("HTTP " + response.statusCode());
      throw new RegistryException(
          response.statusCode(),
          errorCode,
          "schema registry at "
              + baseUrl
              + " refused "
              + method
              + " "
              + path
              + ": "
              + message
              + " (error_code "
              + errorCode
              + ")");
    }
    return json;
  }

  /**
   * Sends with bounded retries. Only failures to get an answer (connection refused, timeouts) and
   * gateway errors are retried: an answer from the registry is final.
   */
  private HttpResponse<String> sendWithRetries(HttpRequest request, String what) {
    long backoffMillis = retry.initialBackoff().toMillis();
    long started = System.nanoTime();
    Exception last = null;
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      try {
        HttpResponse<String> response =
            http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status != 502 && status != 503 && status != 504) {
          return response;
        }
        last = new IOException("HTTP " + status);
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException("interrupted while calling schema registry at " + baseUrl, e);
      }
      if (attempt < retry.maxAttempts()) {
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RegistryException("interrupted while calling schema registry at " + baseUrl, e);
        }
        backoffMillis *= 2;
      }
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    throw new RegistryUnavailableException(
        "schema registry at "
            + baseUrl
            + " is unreachable ("
            + what
            + " failed "
            + retry.maxAttempts()
            + " times over "
            + elapsedMillis
            + " ms): "
            + describe(last),
        last);
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private Schema parse(String schemaJson, String what) {
    try {
      return new Schema.Parser().parse(schemaJson);
    } catch (SchemaParseException e) {
      throw new RegistryException(
          "schema registry at "
              + baseUrl
              + " returned an unparseable "
              + what
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
