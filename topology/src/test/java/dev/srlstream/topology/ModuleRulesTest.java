package dev.srlstream.topology;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module rules of the README, checked on the compiled main classes of every module (this
 * module's test classpath holds them all): services meet only on topics, the policy knows no Kafka,
 * the method is pure, and only the composition root starts infrastructure.
 */
class ModuleRulesTest {
  private static final String ACTOR = "dev.srlstream.actor..";
  private static final String SCORER = "dev.srlstream.scorer..";
  private static final String LEARNER = "dev.srlstream.learner..";
  private static final String TOPOLOGY = "dev.srlstream.topology..";
  private static final String INFRA = "dev.srlstream.infra..";

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ModuleRulesTest::isMainClass)
            .importPackages("dev.srlstream");
  }

  /** Main classes only: not this or another module's test classes or test jar. */
  private static boolean isMainClass(com.tngtech.archunit.core.importer.Location location) {
    return new ImportOption.DoNotIncludeTests().includes(location)
        && !location.contains("-tests.jar")
        && !location.contains("/test-classes/");
  }

  static List<ArchRule> rules() {
    return List.of(
        noClasses()
            .that()
            .resideInAPackage(ACTOR)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(SCORER, LEARNER, TOPOLOGY)
            .as("the actors meet the scorer and the learner only on topics"),
        noClasses()
            .that()
            .resideInAPackage(SCORER)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ACTOR, LEARNER, TOPOLOGY)
            .as("the scorer meets the actors and the learner only on topics"),
        noClasses()
            .that()
            .resideInAPackage(LEARNER)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ACTOR, SCORER, TOPOLOGY)
            .as("the learner meets the actors and the scorer only on topics"),
        noClasses()
            .that()
            .resideInAPackage("dev.srlstream.policy..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.kafka..")
            .as("the policy knows no Kafka"),
        noClasses()
            .that()
            .resideInAPackage("dev.srlstream.method..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "org.apache.kafka..",
                "org.tensorflow..",
                "io.vertx..",
                "dev.srlstream.policy..",
                ACTOR,
                SCORER,
                LEARNER,
                TOPOLOGY,
                INFRA)
            .as("the method is pure: no Kafka, TF, Vert.x or service of ours"),
        noClasses()
            .that()
            .resideOutsideOfPackages(TOPOLOGY, INFRA)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(INFRA)
            .as("only the composition root starts infrastructure"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void holds(ArchRule rule) {
    assertThat(main.size()).as("main classes imported").isGreaterThan(200);
    EvaluationResult result = rule.evaluate(main);
    assertThat(result.getFailureReport().getDetails()).as(rule.getDescription()).isEmpty();
  }
}
