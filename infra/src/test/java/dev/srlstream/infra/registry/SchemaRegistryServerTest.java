package dev.srlstream.infra.registry;

import static dev.srlstream.infra.registry.RawHttp.schemaBody;
import static dev.srlstream.infra.registry.TestSchemas.TASK_ADDS_SCORE_NO_DEFAULT;
import static dev.srlstream.infra.registry.TestSchemas.TASK_EMPTY;
import static dev.srlstream.infra.registry.TestSchemas.TASK_V1;
import static dev.srlstream.infra.registry.TestSchemas.TASK_V2_WITH_DEFAULT;
import static dev.srlstream.infra.registry.TestSchemas.field;
import static dev.srlstream.infra.registry.TestSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.srlstream.schemas.registry.CompatibilityLevel;
import dev.srlstream.schemas.registry.RegisteredSchema;
import dev.srlstream.schemas.registry.RegistryException;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry client against a running server with an in-memory store. */
class SchemaRegistryServerTest {

  private SchemaRegistryServer server;
  private SchemaRegistryClient client;
  private RawHttp http;

  @BeforeEach
  void start() {
    server = SchemaRegistryServer.start(RegistryConfig.inMemory(0));
    client = new SchemaRegistryClient(server.url());
    http = new RawHttp(server.url());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RegistryException refused(Runnable call) {
    return catchThrowableOfType(RegistryException.class, call::run);
  }

  @Test
  void urlIsLoopbackWithTheChosenPort() {
    assertThat(server.port()).isPositive();
    assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
  }

  // ---- registration and ids ----

  @Test
  void registersAndServesSchemasByIdSubjectAndVersion() {
    int id = client.register("srl.tasks-value", TASK_V1);
    int id2 = client.register("srl.tasks-value", TASK_V2_WITH_DEFAULT);

    assertThat(id).isEqualTo(1);
    assertThat(id2).isEqualTo(2);
    assertThat(new SchemaRegistryClient(server.url()).schemaById(id)).isEqualTo(TASK_V1);
    assertThat(client.subjects()).containsExactly("srl.tasks-value");
    assertThat(client.versions("srl.tasks-value")).containsExactly(1, 2);
    assertThat(client.latest("srl.tasks-value"))
        .isEqualTo(new RegisteredSchema("srl.tasks-value", 2, 2, TASK_V2_WITH_DEFAULT));
    assertThat(client.version("srl.tasks-value", "1"))
        .isEqualTo(new RegisteredSchema("srl.tasks-value", 1, 1, TASK_V1));
    assertThat(client.version("srl.tasks-value", "-1").version()).isEqualTo(2);
  }

  @Test
  void reRegisteringGivesTheSameIdAndNoNewVersion() {
    int id = client.register("s", TASK_V1);
    // A fresh client has no cache: the server itself must answer with the existing id.
    assertThat(new SchemaRegistryClient(server.url()).register("s", TASK_V1)).isEqualTo(id);
    assertThat(client.versions("s")).containsExactly(1);
  }

  @Test
  void theSameSchemaUnderAnotherSubjectKeepsItsGlobalId() {
    int id = client.register("a-value", TASK_V1);
    client.register("a-value", TASK_V2_WITH_DEFAULT);
    assertThat(client.register("b-value", TASK_V1)).isEqualTo(id);
    assertThat(client.latest("b-value").version()).isEqualTo(1);

    RawHttp.Response pairs = http.get("/schemas/ids/" + id + "/versions");
    assertThat(pairs.json().toString())
        .isEqualTo(
            "[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"b-value\",\"version\":1}]");
  }

  @Test
  void schemasAreIdentifiedByTheirFullJsonDefaultsIncluded() {
    Schema withDefaultZero = record("T", field("n", "int", "0"));
    Schema withDefaultOne = record("T", field("n", "int", "1"));
    client.setCompatibility("t", CompatibilityLevel.NONE);
    int zero = client.register("t", withDefaultZero);
    int one = client.register("t", withDefaultOne);

    assertThat(one).isNotEqualTo(zero);
    assertThat(http.get("/schemas/ids/" + one).json().path("schema").asText())
        .contains("\"default\":1");
  }

  @Test
  void subjectNamesAreUrlDecoded() {
    client.register("srl.tasks-value", TASK_V1);
    client.register("with space/and slash", TASK_V1);
    assertThat(client.subjects()).containsExactly("srl.tasks-value", "with space/and slash");
    assertThat(client.latest("with space/and slash").id()).isEqualTo(1);
  }

  // ---- compatibility levels ----

  @Test
  void backwardIsTheDefaultAndRefusesANewFieldWithoutDefault() {
    client.register("s", TASK_V1);
    assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);

    RegistryException e = refused(() -> client.register("s", TASK_ADDS_SCORE_NO_DEFAULT));

    assertThat(e.httpStatus()).isEqualTo(409);
    assertThat(e.errorCode()).isEqualTo(409);
    assertThat(e.getMessage())
        .contains(
            "Schema being registered is incompatible with an earlier schema for subject \"s\"")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("'score'");
    assertThat(client.versions("s")).containsExactly(1);
    assertThat(client.register("s", TASK_V2_WITH_DEFAULT)).isEqualTo(2);
    assertThat(client.register("s", TASK_EMPTY)).as("dropping a field is backward").isEqualTo(3);
  }

  @Test
  void forwardLetsOldReadersReadNewData() {
    client.setCompatibility("s", CompatibilityLevel.FORWARD);
    client.register("s", TASK_V1);

    assertThat(client.register("s", TASK_ADDS_SCORE_NO_DEFAULT)).isEqualTo(2);
    RegistryException e = refused(() -> client.register("s", TASK_EMPTY));
    assertThat(e.errorCode()).isEqualTo(409);
    assertThat(e.getMessage()).contains("'id'");
  }

  @Test
  void fullNeedsBothDirections() {
    client.setCompatibility("s", CompatibilityLevel.FULL);
    client.register("s", TASK_V1);

    assertThat(refused(() -> client.register("s", TASK_ADDS_SCORE_NO_DEFAULT)).errorCode())
        .isEqualTo(409);
    assertThat(refused(() -> client.register("s", TASK_EMPTY)).errorCode()).isEqualTo(409);
    assertThat(client.register("s", TASK_V2_WITH_DEFAULT)).isEqualTo(2);
  }

  @Test
  void noneAcceptsAnyChange() {
    client.setCompatibility("s", CompatibilityLevel.NONE);
    client.register("s", TASK_V1);
    assertThat(client.register("s", record("Unrelated", field("x", "bytes")))).isEqualTo(2);
  }

  @Test
  void transitiveLevelsCheckEveryEarlierVersion() {
    Schema v1 = record("T", field("x", "int"));
    Schema v2 = record("T");
    Schema v3 = record("T", field("x", "string", "\"\""));

    client.register("plain", v1);
    client.register("plain", v2);
    assertThat(client.register("plain", v3)).as("compatible with the latest only").isPositive();

    client.setCompatibility("strict", CompatibilityLevel.BACKWARD_TRANSITIVE);
    client.register("strict", v1);
    client.register("strict", v2);
    RegistryException e = refused(() -> client.register("strict", v3));
    assertThat(e.errorCode()).isEqualTo(409);
    assertThat(e.getMessage()).contains("TYPE_MISMATCH").contains("version 1");
  }

  @Test
  void globalLevelAppliesToSubjectsWithoutTheirOwn() {
    client.setCompatibility(CompatibilityLevel.FORWARD);
    client.setCompatibility("own", CompatibilityLevel.NONE);

    assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FORWARD);
    assertThat(client.compatibility("inherits")).isEqualTo(CompatibilityLevel.FORWARD);
    assertThat(client.compatibility("own")).isEqualTo(CompatibilityLevel.NONE);

    client.register("inherits", TASK_V1);
    client.register("own", TASK_V1);
    assertThat(refused(() -> client.register("inherits", TASK_EMPTY)).errorCode()).isEqualTo(409);
    assertThat(client.register("own", TASK_EMPTY)).isPositive();
  }

  @Test
  void compatibilityCheckEndpointAnswersWithoutRegistering() {
    client.register("s", TASK_V1);
    assertThat(client.isCompatible("s", "latest", TASK_V2_WITH_DEFAULT)).isTrue();
    assertThat(client.isCompatible("s", "1", TASK_ADDS_SCORE_NO_DEFAULT)).isFalse();
    assertThat(client.versions("s")).containsExactly(1);

    RawHttp.Response verbose =
        http.post(
            "/compatibility/subjects/s/versions/latest?verbose=true",
            schemaBody(TASK_ADDS_SCORE_NO_DEFAULT.toString()));
    assertThat(verbose.status()).isEqualTo(200);
    assertThat(verbose.json().path("is_compatible").asBoolean(true)).isFalse();
    assertThat(verbose.json().path("messages").toString()).contains("'score'");

    assertThat(refused(() -> client.isCompatible("nope", "latest", TASK_V1)).errorCode())
        .isEqualTo(40401);
    assertThat(refused(() -> client.isCompatible("s", "9", TASK_V1)).errorCode()).isEqualTo(40402);
  }

  // ---- errors ----

  @Test
  void unknownIdIs40403() {
    RegistryException e = refused(() -> client.schemaById(999));
    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(e.errorCode()).isEqualTo(40403);
    assertThat(e.getMessage()).contains("Schema 999 not found");
  }

  @Test
  void unknownSubjectIs40401AndUnknownVersion40402AndBadVersion42202() {
    client.register("s", TASK_V1);
    assertThat(refused(() -> client.latest("nope")).errorCode()).isEqualTo(40401);
    assertThat(refused(() -> client.versions("nope")).getMessage())
        .contains("Subject 'nope' not found.");
    RegistryException missing = refused(() -> client.version("s", "7"));
    assertThat(missing.errorCode()).isEqualTo(40402);
    assertThat(missing.getMessage()).contains("Version 7 not found.");
    RegistryException invalid = refused(() -> client.version("s", "x"));
    assertThat(invalid.httpStatus()).isEqualTo(422);
    assertThat(invalid.errorCode()).isEqualTo(42202);
    assertThat(invalid.getMessage()).contains("'x' is not a valid version id");
  }

  @Test
  void malformedSchemaJsonIs42201WithTheParserMessage() {
    RawHttp.Response r = http.post("/subjects/s/versions", schemaBody("{\"type\":\"recor"));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.errorCode()).isEqualTo(42201);
    assertThat(r.message()).startsWith("Invalid schema").contains("end-of-input");

    RawHttp.Response unknownType =
        http.post("/subjects/s/versions", schemaBody("{\"type\":\"record\",\"name\":\"R\"}"));
    assertThat(unknownType.errorCode()).isEqualTo(42201);
    assertThat(unknownType.message()).contains("fields");
  }

  @Test
  void badRequestBodiesAreClientErrorsNeverServerErrors() {
    RawHttp.Response notJson = http.post("/subjects/s/versions", "schema please");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.errorCode()).isEqualTo(400);
    assertThat(notJson.message()).contains("not JSON");

    RawHttp.Response noSchema = http.post("/subjects/s/versions", "{\"schemaa\":\"x\"}");
    assertThat(noSchema.status()).isEqualTo(422);
    assertThat(noSchema.errorCode()).isEqualTo(42201);
    assertThat(noSchema.message()).contains("\"schema\"");

    RawHttp.Response array = http.post("/subjects/s/versions", "[1]");
    assertThat(array.status()).isEqualTo(400);

    RawHttp.Response protobuf =
        http.post(
            "/subjects/s/versions",
            "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
    assertThat(protobuf.status()).isEqualTo(422);
    assertThat(protobuf.errorCode()).isEqualTo(42201);
    assertThat(protobuf.message()).contains("PROTOBUF").contains("AVRO");

    assertThat(client.subjects()).isEmpty();
  }

  @Test
  void plainJsonRequestsAreAcceptedAndAnswersUseTheRegistryContentType() {
    RawHttp.Response r =
        http.send(
            "POST", "/subjects/s/versions", schemaBody(TASK_V1.toString()), "application/json");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(r.json().path("id").asInt()).isEqualTo(1);
  }

  @Test
  void rootIsAnEmptyObjectAndUnknownRoutesAreConfluents404() {
    assertThat(http.get("/").body()).isEqualTo("{}");
    for (RawHttp.Response r :
        new RawHttp.Response[] {
          http.get("/nothing/here"), http.delete("/subjects"), http.get("/schemas/ids/abc")
        }) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.body()).isEqualTo("{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
    }
  }

  // ---- raw endpoints the client does not use ----

  @Test
  void lookupFindsASchemaUnderASubject() {
    client.register("s", TASK_V1);
    client.register("s", TASK_V2_WITH_DEFAULT);

    RawHttp.Response found = http.post("/subjects/s", schemaBody(TASK_V2_WITH_DEFAULT.toString()));
    assertThat(found.status()).isEqualTo(200);
    assertThat(found.json().path("subject").asText()).isEqualTo("s");
    assertThat(found.json().path("id").asInt()).isEqualTo(2);
    assertThat(found.json().path("version").asInt()).isEqualTo(2);
    assertThat(new Schema.Parser().parse(found.json().path("schema").asText()))
        .isEqualTo(TASK_V2_WITH_DEFAULT);

    assertThat(http.post("/subjects/s", schemaBody(TASK_EMPTY.toString())).errorCode())
        .isEqualTo(40403);
    assertThat(http.post("/subjects/nope", schemaBody(TASK_V1.toString())).errorCode())
        .isEqualTo(40401);
  }

  @Test
  void rawSchemaOfAVersion() {
    client.register("s", TASK_V1);
    RawHttp.Response r = http.get("/subjects/s/versions/1/schema");
    assertThat(r.status()).isEqualTo(200);
    assertThat(new Schema.Parser().parse(r.body())).isEqualTo(TASK_V1);
  }

  @Test
  void subjectConfigEndpoints() {
    RawHttp.Response unset = http.get("/config/s");
    assertThat(unset.status()).isEqualTo(404);
    assertThat(unset.errorCode()).isEqualTo(40408);
    assertThat(unset.message())
        .isEqualTo("Subject 's' does not have subject-level compatibility configured");
    assertThat(http.get("/config/s?defaultToGlobal=true").body())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

    assertThat(http.put("/config/s", "{\"compatibility\":\"FULL\"}").body())
        .isEqualTo("{\"compatibility\":\"FULL\"}");
    assertThat(http.get("/config/s").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

    assertThat(http.delete("/config/s").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    assertThat(http.get("/config/s").errorCode()).isEqualTo(40408);
    assertThat(http.delete("/config/s").errorCode()).isEqualTo(40408);
  }

  @Test
  void globalConfigEndpointsAndInvalidLevels() {
    assertThat(http.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertThat(http.put("/config", "{\"compatibility\":\"FULL_TRANSITIVE\"}").body())
        .isEqualTo("{\"compatibility\":\"FULL_TRANSITIVE\"}");
    assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);

    for (String body : new String[] {"{\"compatibility\":\"SIDEWAYS\"}", "{}"}) {
      RawHttp.Response r = http.put("/config", body);
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.errorCode()).isEqualTo(42203);
      assertThat(r.message()).startsWith("Invalid compatibility level");
    }
    assertThat(http.put("/config/s", "{\"compatibility\":\"SIDEWAYS\"}").errorCode())
        .isEqualTo(42203);
    assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
  }

  @Test
  void closedServerNoLongerAnswers() {
    server.close();
    SchemaRegistryClient impatient =
        new SchemaRegistryClient(
            server.url(),
            new SchemaRegistryClient.RetryPolicy(
                1, java.time.Duration.ofMillis(1), java.time.Duration.ofSeconds(2)));
    assertThatThrownBy(impatient::subjects)
        .isInstanceOf(dev.srlstream.schemas.registry.RegistryUnavailableException.class);
  }
}
