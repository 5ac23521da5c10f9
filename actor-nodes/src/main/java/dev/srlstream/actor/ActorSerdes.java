package dev.srlstream.actor;

import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;

/**
 * The Avro serdes an actor process uses, all on one registry. They may call the registry (blocking
 * HTTP) on first use of a schema, so they are used on sampling and consumer threads, never on an
 * event loop.
 */
record ActorSerdes(
    AvroSerde<StepTask> tasks,
    AvroSerde<RolloutStep> rollouts,
    AvroSerde<DeadLetter> deadLetters,
    AvroSerde<PolicyVersion> versions) {

  static ActorSerdes of(SchemaRegistry registry) {
    return new ActorSerdes(
        new AvroSerde<>(StepTask.class, registry),
        new AvroSerde<>(RolloutStep.class, registry),
        new AvroSerde<>(DeadLetter.class, registry),
        new AvroSerde<>(PolicyVersion.class, registry));
  }
}
