package dev.srlstream.infra.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.infra.registry.RegistryState.Version;
import dev.srlstream.schemas.registry.CompatibilityLevel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent's REST API over a {@link RegistryService}: JSON in, calls, JSON out. Reads answer on
 * the event loop (they never block); writes run on the single writer thread.
 */
final class RegistryRoutes {

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  // Avro schemas are small; this bounds what one request can make the registry buffer.
  private static final long BODY_LIMIT_BYTES = 8L * 1024 * 1024;

  private final RegistryService registry;
  private final WorkerExecutor writer;

  private RegistryRoutes(RegistryService registry, WorkerExecutor writer) {
    this.registry = registry;
    this.writer = writer;
  }

  /** The router of the registry's API. {@code writer} must run one task at a time. */
  static Router router(Vertx vertx, RegistryService registry, WorkerExecutor writer) {
    return router(vertx, registry, writer, RegistrySecurity.NONE);
  }

  /** The router, behind basic authentication when {@code security} names a user. */
  static Router router(
      Vertx vertx, RegistryService registry, WorkerExecutor writer, RegistrySecurity security) {
    RegistryRoutes routes = new RegistryRoutes(registry, writer);
    Router router = Router.router(vertx);
    if (security.authenticates()) {
      router.route().handler(basicAuth(security.user(), security.password()));
    }
    router
        .route()
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES))
        .failureHandler(RegistryRoutes::failure);

    router.get("/").handler(ctx -> respond(ctx, JSON.createObjectNode()));
    router.get("/subjects").handler(routes::subjects);
    router.get("/subjects/:subject/versions").handler(routes::versions);
    router.post("/subjects/:subject/versions").handler(routes::register);
    router.get("/subjects/:subject/versions/:version").handler(routes::version);
    router.get("/subjects/:subject/versions/:version/schema").handler(routes::versionSchema);
    router.post("/subjects/:subject").handler(routes::lookup);
    router.get("/schemas/types").handler(ctx -> respond(ctx, JSON.createArrayNode().add("AVRO")));
    router.get("/schemas/ids/:id").handler(routes::schemaById);
    router.get("/schemas/ids/:id/schema").handler(routes::rawSchemaById);
    router.get("/schemas/ids/:id/versions").handler(routes::versionsWithId);
    router.post("/compatibility/subjects/:subject/versions/:version").handler(routes::compatible);
    router.get("/config").handler(routes::globalLevel);
    router.put("/config").handler(routes::setGlobalLevel);
    router.get("/config/:subject").handler(routes::subjectLevel);
    router.put("/config/:subject").handler(routes::setSubjectLevel);
    router.delete("/config/:subject").handler(routes::deleteSubjectLevel);
    // Anything else, wrong methods on known paths included, is Confluent's plain 404.
    router.route().last().handler(ctx -> error(ctx, 404, 404, "HTTP 404 Not Found"));
    return router;
  }

  // ---- subjects and versions ----

  private void subjects(RoutingContext ctx) {
    ArrayNode subjects = JSON.createArrayNode();
    registry.subjects().forEach(subjects::add);
    respond(ctx, subjects);
  }

  private void versions(RoutingContext ctx) {
    ArrayNode versions = JSON.createArrayNode();
    registry.versionNumbers(subject(ctx)).forEach(versions::add);
    respond(ctx, versions);
  }

  private void register(RoutingContext ctx) {
    String subject = subject(ctx);
    String schema = schemaOf(body(ctx));
    write(ctx, () -> JSON.createObjectNode().put("id", registry.register(subject, schema)));
  }

  private void version(RoutingContext ctx) {
    respond(ctx, versionJson(registry.version(subject(ctx), ctx.pathParam("version"))));
  }

  private void versionSchema(RoutingContext ctx) {
    respondRaw(ctx, registry.version(subject(ctx), ctx.pathParam("version")).schema());
  }

  private void lookup(RoutingContext ctx) {
    String subject = subject(ctx);
    respond(ctx, versionJson(registry.lookup(subject, schemaOf(body(ctx)))));
  }

  // ---- schemas by id ----

  private void schemaById(RoutingContext ctx) {
    respond(ctx, JSON.createObjectNode().put("schema", registry.schemaById(id(ctx))));
  }

  private void rawSchemaById(RoutingContext ctx) {
    respondRaw(ctx, registry.schemaById(id(ctx)));
  }

  private void versionsWithId(RoutingContext ctx) {
    ArrayNode pairs = JSON.createArrayNode();
    for (Version v : registry.versionsWithId(id(ctx))) {
      pairs.addObject().put("subject", v.subject()).put("version", v.version());
    }
    respond(ctx, pairs);
  }

  // ---- compatibility ----

  private void compatible(RoutingContext ctx) {
    String subject = subject(ctx);
    String version = ctx.pathParam("version");
    RegistryService.Verdict verdict =
        registry.checkCompatibility(subject, version, schemaOf(body(ctx)));
    ObjectNode answer = JSON.createObjectNode().put("is_compatible", verdict.compatible());
    if (flag(ctx, "verbose")) {
      ArrayNode messages = answer.putArray("messages");
      verdict.messages().forEach(messages::add);
    }
    respond(ctx, answer);
  }

  private void globalLevel(RoutingContext ctx) {
    respond(ctx, JSON.createObjectNode().put("compatibilityLevel", registry.globalLevel().name()));
  }

  private void setGlobalLevel(RoutingContext ctx) {
    CompatibilityLevel level = levelOf(body(ctx));
    write(ctx, () -> levelJson("compatibility", registry.setLevel(null, level)));
  }

  private void subjectLevel(RoutingContext ctx) {
    CompatibilityLevel level = registry.subjectLevel(subject(ctx), flag(ctx, "defaultToGlobal"));
    respond(ctx, levelJson("compatibilityLevel", level));
  }

  private void setSubjectLevel(RoutingContext ctx) {
    String subject = subject(ctx);
    CompatibilityLevel level = levelOf(body(ctx));
    write(ctx, () -> levelJson("compatibility", registry.setLevel(subject, level)));
  }

  private void deleteSubjectLevel(RoutingContext ctx) {
    String subject = subject(ctx);
    write(ctx, () -> levelJson("compatibilityLevel", registry.deleteSubjectLevel(subject)));
  }

  // ---- request parsing ----

  /** Vert.x has URL-decoded the path parameter already ("srl.tasks-value", "a%2Fb" -> "a/b"). */
  private static String subject(RoutingContext ctx) {
    return ctx.pathParam("subject");
  }

  private static int id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      // Confluent's id is an integer path parameter: anything else matches no resource.
      throw new RegistryError(404, 404, "HTTP 404 Not Found");
    }
  }

  private static boolean flag(RoutingContext ctx, String name) {
    return ctx.queryParam(name).stream().anyMatch("true"::equalsIgnoreCase);
  }

  private static JsonNode body(RoutingContext ctx) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw RegistryError.badRequest("Request body must be a JSON object, but was empty");
    }
    JsonNode body;
    try {
      body = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw RegistryError.badRequest(
          "Request body must be a JSON object, but is not JSON: " + e.getOriginalMessage());
    }
    if (!body.isObject()) {
      throw RegistryError.badRequest(
          "Request body must be a JSON object, but was a JSON " + body.getNodeType());
    }
    return body;
  }

  /** The schema of a registration, lookup or compatibility request: Avro only, no references. */
  private static String schemaOf(JsonNode body) {
    JsonNode type = body.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
      throw RegistryError.invalidSchema(
          "Invalid schema type '" + type.asText() + "': this registry serves AVRO schemas only");
    }
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && !references.isEmpty()) {
      throw RegistryError.invalidSchema(
          "Invalid schema: schema references are not supported by this registry");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || schema.isNull() || (schema.isTextual() && schema.asText().isBlank())) {
      throw RegistryError.invalidSchema(
          "Empty schema: the request body must have a \"schema\" string");
    }
    if (!schema.isTextual()) {
      throw RegistryError.invalidSchema(
          "Invalid schema: \"schema\" must be a string holding the schema's JSON, but was a JSON "
              + schema.getNodeType());
    }
    return schema.asText();
  }

  private static CompatibilityLevel levelOf(JsonNode body) {
    // Confluent's field is "compatibility"; accept the name its GET answers use as well.
    JsonNode level =
        body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
    String name = level == null || level.isNull() ? null : level.asText();
    try {
      return CompatibilityLevel.parse(name);
    } catch (IllegalArgumentException e) {
      throw RegistryError.invalidCompatibilityLevel(name);
    }
  }

  // ---- responses ----

  /** Runs a write on the writer thread, then answers on the event loop. */
  private void write(RoutingContext ctx, Callable<JsonNode> operation) {
    writer
        .<JsonNode>executeBlocking(operation, false)
        .onSuccess(answer -> respond(ctx, answer))
        .onFailure(ctx::fail);
  }

  private static ObjectNode versionJson(Version v) {
    return JSON.createObjectNode()
        .put("subject", v.subject())
        .put("version", v.version())
        .put("id", v.id())
        .put("schema", v.schema());
  }

  private static ObjectNode levelJson(String field, CompatibilityLevel level) {
    return JSON.createObjectNode().put(field, level.name());
  }

  private static void respond(RoutingContext ctx, JsonNode body) {
    respondRaw(ctx, body.toString());
  }

  private static void respondRaw(RoutingContext ctx, String json) {
    ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(json);
  }

  private static void error(RoutingContext ctx, int status, int errorCode, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(
            JSON.createObjectNode()
                .put("error_code", errorCode)
                .put("message", message)
                .toString());
  }

  /** Every failure becomes Confluent's error body; a stack trace is logged, never sent. */
  private static void failure(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof RegistryError e) {
      if (e.httpStatus() >= 500) {
        LOG.error(
            "{} {} failed: {}", ctx.request().method(), ctx.request().path(), e.getMessage(), e);
      }
      error(ctx, e.httpStatus(), e.errorCode(), e.getMessage());
    } else if (failure != null) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      error(ctx, 500, 50000, "Internal Server Error: " + failure.getClass().getSimpleName());
    } else {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      error(
          ctx,
          status,
          status,
          "HTTP " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase());
    }
  }

  /**
   * HTTP basic authentication of one user, as Confluent's registry clients send it ({@code
   * basic.auth.user.info}): any other request is answered 401 with a challenge, in the registry's
   * error format. The comparison takes the same time whatever the header holds.
   */
  private static Handler<RoutingContext> basicAuth(String user, String password) {
    byte[] expected =
        ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8)))
            .getBytes(UTF_8);
    return ctx -> {
      String header = ctx.request().getHeader("Authorization");
      byte[] given = header == null ? new byte[0] : header.getBytes(UTF_8);
      if (MessageDigest.isEqual(expected, given)) {
        ctx.next();
        return;
      }
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"srl-schema-registry\"");
      error(ctx, 401, 401, "Unauthorized");
    };
  }
}
