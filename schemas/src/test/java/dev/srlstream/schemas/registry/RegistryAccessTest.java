package dev.srlstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryAccessTest {

  @Test
  void readsConfluentsPropertyNamesAndNeverShowsThePassword() {
    RegistryAccess access =
        RegistryAccess.fromProperties(
            Map.of(
                "basic.auth.user.info",
                "srl:s3cret",
                "basic.auth.credentials.source",
                "USER_INFO"));

    assertThat(access.userInfo()).isEqualTo("srl:s3cret");
    assertThat(access.truststore()).isNull();
    assertThat(access.truststoreType()).isEqualTo("PKCS12");
    assertThat(access.toString()).contains("srl").doesNotContain("s3cret");
  }

  @Test
  void badSettingsNameTheProperty() {
    assertThatThrownBy(() -> RegistryAccess.fromProperties(Map.of("basic.auth.user.info", "srl")))
        .hasMessageContaining("basic.auth.user.info must be user:password");
    assertThatThrownBy(
            () ->
                RegistryAccess.fromProperties(
                    Map.of("schema.registry.ssl.truststore.location", "/nonexistent/t.p12")))
        .hasMessageContaining("schema.registry.ssl.truststore.location must be a readable file");
  }

  @Test
  void userInfoInTheUrlAuthenticatesAndIsNeverShown() {
    SchemaRegistryClient client = new SchemaRegistryClient("https://srl:s3cret@127.0.0.1:8081/");

    assertThat(client.baseUrl()).isEqualTo("https://127.0.0.1:8081");
    assertThat(client.describe()).doesNotContain("s3cret");
  }
}
